"""Scrapy settings shared by every nianbao spider."""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
# Both consoles accept commands from anyone who can reach the port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
