"""The Scrapy project: spiders per portal CMS, list-page adapters, pipelines (later issues)."""
