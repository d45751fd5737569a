"""A crawl's interpreter: its GIL switch interval and its collector's thresholds, for the crawl only."""

from __future__ import annotations

import gc
import sys

from scrapy import signals
from scrapy.utils.test import get_crawler

from crawler import settings
from crawler.interpreter import GC_THRESHOLDS, GIL_SWITCH_SECONDS, Interpreter


def test_the_project_enables_the_interpreter_settings():
    assert "crawler.interpreter.Interpreter" in settings.EXTENSIONS


def test_engine_start_sets_the_switch_interval_and_the_thresholds_and_stop_restores_them():
    crawler = get_crawler(settings_dict={"EXTENSIONS_BASE": {}})
    interpreter = Interpreter.from_crawler(crawler)  # noqa: F841  (signals hold handlers weakly)
    before = (sys.getswitchinterval(), gc.get_threshold())
    assert before != (GIL_SWITCH_SECONDS, GC_THRESHOLDS)
    crawler.signals.send_catch_log(signals.engine_started)
    assert (sys.getswitchinterval(), gc.get_threshold()) == (GIL_SWITCH_SECONDS, GC_THRESHOLDS)
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert (sys.getswitchinterval(), gc.get_threshold()) == before
