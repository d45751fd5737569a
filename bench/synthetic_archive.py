"""A synthetic archive of N reports (default 100,000), written through the real write path.

    bench/synthetic_archive.py [--db /tmp/nianbao-bench/archive-100k.db] [--reports N] [--force]

Every report goes through ``Archive.store()`` exactly as a crawl files it, so the schema, the
fact rows, ``report_summary``, the checks and the search index are what a crawl of that many
reports would leave. The parses are the real seeds' parses (parsers.parse_file), copied and
varied: the county-level portals of the registry (imported from the shared portal list, as
``nianbao sources import`` does), county governments, departments and townships, 2019-2025
with the 2019 or 2021 template by year, consistent tables whose 上年结转 follows last year's
结转下年度, about 10 % of reports with a broken balance (checks recomputed by parsers.checks),
2 % without tables, several KB of Chinese prose each, and about 5 % of reports given a second
version by a second run (same URL, different bytes, changed figures).

A fixed seed makes the same archive every time. An existing file is reused when it is complete
(its last run finished with N reports); ``--force`` rebuilds it, and a file that is not a
synthetic archive is never replaced without it.

What 100,000 reports come to (measured): 105,077 versions; about 205 cells a report, so
20.5 million cells in request_counts + proactive_counts + appeal_counts (the issue's "about 10
million" is nearer 50,000 reports); 4.3 million checks; 10.5 GB; about 15 minutes at 115
reports/s through store(). Every report's prose mentions 行政复议 (section 四 always speaks of
review and litigation), so a search for 复议 or 行政复议 matches all of them: the worst case
for a search page's count and facets.
"""

from __future__ import annotations

import argparse
import copy
import glob
import json
import os
import random
import re
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import compression  # noqa: E402
from archive.store import Archive, Fetched  # noqa: E402
from crawler.middlewares import site_of  # noqa: E402
from crawler.sources import import_sources  # noqa: E402
from parsers import Report, parse_file  # noqa: E402
from parsers.checks import APPLICANT_COLUMNS, appeal_checks, request_checks  # noqa: E402

DEFAULT_PATH = Path("/tmp/nianbao-bench/archive-100k.db")
SHARED = Path("/work/shared")
PORTALS = SHARED / "data" / "portals" / "county_portals_with_adcode.csv"
SEED = 20_240_601
YEARS = tuple(range(2019, 2026))
BATCH = 2_000
BROKEN_SHARE = 0.10
NO_TABLES_SHARE = 0.02
SECOND_VERSION_SHARE = 0.05
MARK = "synthetic_archive"

DEPARTMENTS = (
    "教育局", "公安局", "财政局", "民政局", "司法局", "人力资源和社会保障局", "自然资源局",
    "生态环境分局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
    "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "林业局", "城市管理局", "行政审批局",
    "发展和改革局", "工业和信息化局", "科学技术局", "信访局", "税务局", "人民政府办公室",
)
_TOWN_FIRST = "东西南北新太平安永兴长青石龙凤金马白黄红清河山湖桥梅柳松杨李王张刘陈高大小双三五古"
_TOWN_SECOND = "城集店庄口坪岭沟湾塘坝岗营寨桥河山镇铺园里堡溪泉林洲关渡"
_TOWN_SUFFIX = (("镇人民政府", 0.55), ("乡人民政府", 0.25), ("街道办事处", 0.2))
# What the reports leave for: share by kind of body, and the scale of their applications.
_KINDS = (("county", 0.12), ("department", 0.55), ("township", 0.33))
_SCALE = {"county": 25.0, "department": 4.0, "township": 0.8}
_APPLICANT_WEIGHTS = (0.82, 0.10, 0.01, 0.01, 0.02, 0.04)
_RESULT_WEIGHTS = {
    "granted": 45, "partial": 8, "denied.state_secret": 0.5, "denied.prohibited": 1,
    "denied.security_stability": 0.5, "denied.third_party": 2, "denied.internal_affairs": 2,
    "denied.process_info": 2, "denied.enforcement_files": 1, "denied.query": 2,
    "unable.not_held": 20, "unable.needs_creation": 3, "unable.unclear": 3,
    "rejected.petition": 2, "rejected.duplicate": 2, "rejected.publication": 0.5,
    "rejected.excessive": 0.5, "rejected.confirmation": 1,
    "other": 3, "other.no_correction": 1.5, "other.unpaid_fee": 0.5, "other.other": 1,
}
_FORMATS = (("html", "html", 0.45), ("pdf", "pdf", 0.35), ("docx", "docx", 0.08),
            ("doc", "doc", 0.07), ("wps", "wps", 0.03), ("ofd", "ofd", 0.02))

# Prose beyond the seeds', so every section has the words users search for.
_EXTRA = {
    "overview": [
        "{year}年，{place}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开",
        "全年通过政府门户网站主动公开政府信息{n}条，其中政策文件{n}件，政策解读{n}篇，通知公告{n}条",
        "依托政务新媒体发布信息{n}条，回应公众关切{n}次，召开新闻发布会{n}场",
        "健全依申请公开工作机制，规范受理、登记、审核、答复、归档各环节，确保依申请公开答复合法、规范、及时",
        "加强政府信息管理，严格落实保密审查和“三审三校”制度，全年未发生泄密和错误信息发布事件",
        "完善政府信息公开指南和目录，动态更新主动公开基本目录，方便公众查阅",
        "开展政务公开培训{n}次，参训人员{n}人次，提升工作人员依法公开意识和业务能力",
        "推进基层政务公开标准化规范化建设，在政务服务中心设置政府信息公开查阅点{n}个",
    ],
    "proactive": [
        "{year}年，{place}主动公开规范性文件{n}件，行政许可决定{n}件，行政处罚决定{n}件",
        "重点领域信息公开持续深化，财政预决算、重大建设项目、公共资源配置、社会公益事业建设等信息按要求及时公开",
    ],
    "requests": [
        "{year}年，{place}共收到政府信息公开申请{n}件，上年结转{n}件，均在法定期限内依法作出答复",
        "依申请公开办理中，严格执行登记、审核、会商、答复流程，答复文书规范完整",
        "{year}年度未收到政府信息公开申请",
    ],
    "appeals_none": [
        "{year}年度，{place}未发生因政府信息公开引起的行政复议、行政诉讼案件",
        "本年度无因政府信息公开申请行政复议、提起行政诉讼的情况",
    ],
    "appeals_some": [
        "{year}年，{place}因政府信息公开被申请行政复议{r}件，被提起行政诉讼{l}件，已审结的复议案件均维持原行政行为",
        "针对复议、诉讼案件，认真分析原因，规范答复文书，降低行政复议纠错率和行政诉讼败诉率",
    ],
    "problems": [
        "一是政策解读的形式还不够丰富，二是依申请公开答复规范性有待提高，三是基层政务公开人员力量较为薄弱",
        "下一步，将加强依申请公开和行政复议、行政诉讼典型案例研究，提升答复质量",
        "进一步规范政府信息公开申请办理，防范行政复议和诉讼风险",
    ],
    "other": [
        "{year}年，{place}未收取政府信息公开信息处理费",
        "{year}年，{place}严格落实《政府信息公开信息处理费管理办法》，全年收取信息处理费{n}元",
        "{place}无其他需要报告的事项",
    ],
}
_SEED_PLACES = ("淮安市洪泽区人民政府", "洪泽区人民政府", "红土崖镇人民政府", "兰西县兰河乡",
                "红土崖镇", "尚店镇", "兰河乡", "港门镇", "淮安市", "洪泽区", "浑江区", "兰西县",
                "临清市", "我市", "我区", "我镇", "我乡", "全镇", "全乡", "全区", "市政府", "区政府",
                "镇政府")


# ---------------------------------------------------------------------------------------------
# Templates and prose from the real seeds


def seed_files() -> list[Path]:
    return sorted(SHARED.glob("seeds/*.txt")) + sorted(
        Path(p) for p in glob.glob(str(SHARED / "corpus" / "**" / "*.pdf"), recursive=True))


class Material:
    """The seeds, parsed once: a template report per official format and a pool of sentences."""

    def __init__(self) -> None:
        parses = [parse_file(path).to_json() for path in seed_files()]
        self.templates: dict[str, dict] = {}
        for parsed in parses:
            template = parsed.get("template")
            if template in ("2019", "2021") and template not in self.templates \
                    and _full_layout(parsed, template):
                self.templates[template] = copy.deepcopy(parsed)
        missing = {"2019", "2021"} - set(self.templates)
        if missing:
            raise SystemExit(f"no seed parses to a full {', '.join(sorted(missing))} table")
        places = re.compile("|".join(map(re.escape, _SEED_PLACES)))
        years = re.compile(r"20\d\d\s*年")
        numbers = re.compile(r"\d+(?:\.\d+)?")
        self.sentences: dict[str, list[list[str]]] = {name: [] for name in _EXTRA}
        for parsed in parses:
            for name, text in (parsed.get("sections") or {}).items():
                for sentence in re.split(r"[。！；\n]", text or ""):
                    sentence = sentence.strip()
                    if len(sentence) < 12:
                        continue
                    sentence = places.sub("{place}", sentence)
                    sentence = years.sub("{year}年", sentence)
                    sentence = numbers.sub("{n}", sentence)
                    key = name if name in self.sentences else "overview"
                    self.sentences[key].append(_compile(sentence))
        for name, extra in _EXTRA.items():
            self.sentences[name] += [_compile(sentence) for sentence in extra]


def _full_layout(parsed: dict, template: str) -> bool:
    requests = parsed.get("requests") or {}
    other = ("other",) if template == "2019" else ("other.no_correction", "other.unpaid_fee", "other.other")
    return all(key in requests for key in ("new", "granted", "total", "carried_forward", *other)) \
        and len(parsed.get("appeals") or {}) == 3 and bool(parsed.get("proactive"))


def _compile(sentence: str) -> list[str]:
    """A sentence as alternating text and field names: ["text", "place", "text", …]."""
    return re.split(r"\{(place|year|n|r|l)\}", sentence)


def _render(parts: list[str], fields: dict, rng: random.Random) -> str:
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
        elif part == "n":
            out.append(str(int(rng.expovariate(1 / 40))))
        else:
            out.append(str(fields[part]))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Bodies, years and figures


def _choose(rng: random.Random, weighted: tuple) -> object:
    return rng.choices([item[0] for item in weighted], [item[-1] for item in weighted])[0]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, lam ** 0.5)))
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _split(rng: random.Random, total: int, keys: list[str], weights: list[float]) -> dict[str, int]:
    counts = Counter(rng.choices(keys, weights, k=total)) if total else Counter()
    return {key: counts.get(key, 0) for key in keys}


def plan_bodies(rng: random.Random, counties: list[dict], reports: int) -> list[dict]:
    """Bodies (county, agency, kind) each with a run of consecutive years, N reports in all."""
    bodies: list[dict] = []
    used: dict[str, set[str]] = {}
    total = 0
    while total < reports:
        county = rng.choice(counties)
        names = used.setdefault(county["adcode"], set())
        kind = _choose(rng, _KINDS)
        place = county["county"]
        if kind == "county":
            agency = f"{place}人民政府"
        elif kind == "department":
            agency = f"{place}{rng.choice(DEPARTMENTS)}"
        else:
            agency = rng.choice(_TOWN_FIRST) + rng.choice(_TOWN_SECOND) + _choose(rng, _TOWN_SUFFIX)
        if agency in names:
            continue
        names.add(agency)
        length = min(_choose(rng, ((7, 0.35), (6, 0.15), (5, 0.15), (4, 0.12), (3, 0.1), (2, 0.08), (1, 0.05))),
                     reports - total)
        start = rng.randint(YEARS[0], YEARS[-1] - length + 1)
        bodies.append({"county": county, "agency": agency, "kind": kind,
                       "years": list(range(start, start + length))})
        total += length
    # A crawl goes portal by portal: the archive fills region by region.
    bodies.sort(key=lambda body: (body["county"]["adcode"], body["agency"]))
    return bodies


class Generator:
    def __init__(self, material: Material, seed: int) -> None:
        self.material = material
        self.rng = random.Random(seed)

    def report(self, body: dict, year: int, carried: dict[str, int] | None,
               serial: int) -> tuple[dict, dict[str, int] | None]:
        """A parse for the body's report of ``year``, and its 结转下年度 for next year."""
        rng = self.rng
        template = "2019" if year <= 2020 else "2021"
        base = self.material.templates[template]
        # Only the nested tables are rewritten below; copying the rest deeply costs more than storing.
        parsed = {**base, "requests": {row: {} for row in base["requests"]},
                  "proactive": {item: dict(metrics) for item, metrics in base["proactive"].items()},
                  "appeals": {}, "checks": []}
        county = body["county"]
        region = {key: county[key] for key in ("province", "city", "county", "adcode")}
        form = _choose(rng, _FORMATS)
        parsed.update({
            "file": f"synthetic/{serial}.{form}", "format": form,
            "title": f"{body['agency']}{year}年政府信息公开工作年度报告",
            "agency": body["agency"], "year": year, "template": template,
            "published": (f"{year + 1}-01-{rng.randint(5, 31):02d}" if rng.random() < 0.85 else None),
            "region": dict(region), "warnings": [],
        })
        carried_forward = None
        review = litigation = 0
        if rng.random() < NO_TABLES_SHARE:
            parsed.update({"requests": {}, "proactive": {}, "appeals": {}})
        else:
            carried_forward = self._requests(parsed, body["kind"], carried)
            review, litigation = self._appeals(parsed, body["kind"])
            self._proactive(parsed, body["kind"])
            if rng.random() < BROKEN_SHARE:
                self._break(parsed)
        self._checks(parsed)
        parsed["sections"] = self._prose(body, year, review, litigation)
        return parsed, carried_forward

    def _requests(self, parsed: dict, kind: str, carried: dict[str, int] | None) -> dict[str, int]:
        rng = self.rng
        rows = list(parsed["requests"])
        results = [row for row in rows if row not in ("new", "carried_over", "total", "carried_forward")]
        weights = [_RESULT_WEIGHTS.get(row, 1) for row in results]
        lam = _SCALE[kind] * rng.lognormvariate(0, 0.9)
        new = _split(rng, _poisson(rng, lam), list(APPLICANT_COLUMNS), list(_APPLICANT_WEIGHTS))
        if carried is None or rng.random() < 0.08:  # no last year, or a body that misreports it
            carried = {c: (_poisson(rng, 0.3) if c == "natural_person" else 0) for c in APPLICANT_COLUMNS}
        table: dict[str, dict] = {row: {} for row in rows}
        forward: dict[str, int] = {}
        for column in APPLICANT_COLUMNS:
            open_ = new[column] + carried[column]
            forward[column] = sum(rng.random() < 0.06 for _ in range(open_))
            handled = _split(rng, open_ - forward[column], results, weights)
            table["new"][column] = new[column]
            table["carried_over"][column] = carried[column]
            for row in results:
                table[row][column] = handled[row]
            table["total"][column] = open_ - forward[column]
            table["carried_forward"][column] = forward[column]
        blanks = rng.random() < 0.15  # some reports leave their zero cells blank
        for row, columns in table.items():
            columns["total"] = sum(columns[c] for c in APPLICANT_COLUMNS)
            if blanks and row in results:
                for column in list(columns):
                    if columns[column] == 0:
                        columns[column] = None
        parsed["requests"] = table
        return forward

    def _appeals(self, parsed: dict, kind: str) -> tuple[int, int]:
        rng = self.rng
        lam = {"county": 1.5, "department": 0.3, "township": 0.05}[kind]
        appeals = {}
        for group, share in (("review", 1.0), ("litigation_direct", 0.5), ("litigation_after_review", 0.3)):
            total = _poisson(rng, lam * share)
            split = _split(rng, total, ["upheld", "corrected", "other", "pending"], [60, 10, 15, 15])
            appeals[group] = {**split, "total": total}
        parsed["appeals"] = appeals
        return appeals["review"]["total"], appeals["litigation_direct"]["total"] + appeals["litigation_after_review"]["total"]

    def _proactive(self, parsed: dict, kind: str) -> None:
        rng = self.rng
        big = {"county": 1.0, "department": 0.4, "township": 0.05}[kind]
        for item, metrics in parsed["proactive"].items():
            for metric in metrics:
                if metric in ("amount",):
                    value = round(rng.expovariate(1 / (200 * big)), 2) if rng.random() < 0.6 else 0
                elif metric == "change":
                    value = rng.randint(-5, 10)
                elif metric in ("decisions",):
                    value = _poisson(rng, 300 * big * rng.random())
                elif metric in ("in_force", "total_published", "prev_items"):
                    value = _poisson(rng, 40 * big)
                else:
                    value = _poisson(rng, 3 * big)
                metrics[metric] = value

    def _break(self, parsed: dict) -> None:
        """A printed table that does not add up, as about one report in ten has."""
        rng = self.rng
        requests, mode = parsed["requests"], rng.random()
        if mode < 0.5:
            for column in ("natural_person", "total"):
                requests["carried_forward"][column] = (requests["carried_forward"][column] or 0) + 1
        elif mode < 0.8:
            requests["granted"]["total"] = (requests["granted"]["total"] or 0) + rng.randint(1, 5)
        else:
            parsed["appeals"]["review"]["total"] += 1

    @staticmethod
    def _checks(parsed: dict) -> None:
        checks = request_checks(parsed["requests"]) + appeal_checks(parsed["appeals"])
        parsed["checks"] = checks
        parsed["consistent"] = all(check["ok"] for check in checks) if checks else None

    def _prose(self, body: dict, year: int, review: int, litigation: int) -> dict[str, str]:
        rng, pool = self.rng, self.material.sentences
        fields = {"place": body["agency"] if rng.random() < 0.3 else _self_name(body), "year": year,
                  "r": review, "l": litigation}

        def section(name: str, chars: int) -> str:
            out, size = [], 0
            while size < chars:
                sentence = _render(rng.choice(pool[name]), fields, rng)
                out.append(sentence + "。")
                size += len(sentence) + 1
            return "".join(out)

        appeals = "appeals_some" if review or litigation else "appeals_none"
        return {
            "overview": section("overview", rng.randint(900, 1800)),
            "proactive": section("proactive", rng.randint(0, 300)) if rng.random() < 0.4 else "",
            "requests": section("requests", rng.randint(60, 300)),
            "appeals": section(appeals, rng.randint(40, 200)),
            "problems": section("problems", rng.randint(300, 900)),
            "other": section("other", rng.randint(30, 150)),
        }


def _self_name(body: dict) -> str:
    return {"county": "我县", "department": "我局", "township": "我镇"}[body["kind"]]


def revise(parsed: dict, rng: random.Random) -> dict:
    """The corrected report a portal puts up later: one figure moved, a line added."""
    revised = copy.deepcopy(parsed)
    requests = revised.get("requests") or {}
    if requests:
        for column in ("natural_person", "total"):
            granted = requests["granted"].get(column) or 0
            requests["granted"][column] = granted + 1
            requests["total"][column] = (requests["total"].get(column) or 0) + 1
            requests["new"][column] = (requests["new"].get(column) or 0) + 1
    Generator._checks(revised)
    revised["sections"] = dict(revised["sections"])
    revised["sections"]["other"] += f"（{revised['year'] + 1}年{rng.randint(2, 6)}月更正：修订第三部分统计数据。）"
    return revised


# ---------------------------------------------------------------------------------------------
# The archive


def counties_of(archive: Archive) -> list[dict]:
    if archive.db["sources"].count == 0:
        import_sources(archive, PORTALS)
    return [row for row in archive.db.query(
        "SELECT id, adcode, province, city, county, portal_url FROM sources "
        "WHERE adcode IS NOT NULL AND county IS NOT NULL ORDER BY adcode")]


def is_complete(path: Path, reports: int) -> bool:
    if not path.is_file():
        return False
    import sqlite3

    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT settings FROM crawl_runs WHERE status = 'finished' ORDER BY id DESC LIMIT 1").fetchone()
            count = connection.execute("SELECT count(*) FROM reports").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    mark = json.loads(row[0] or "{}").get(MARK, {}) if row else {}
    return mark.get("phase") == "versions" and mark.get("reports") == reports and count == reports


def _is_synthetic(path: Path) -> bool:
    import sqlite3

    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return connection.execute("SELECT 1 FROM crawl_runs WHERE settings LIKE ? LIMIT 1",
                                      [f'%"{MARK}"%']).fetchone() is not None
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _url(county: dict, year: int, serial: int, form: str) -> str:
    site = site_of(county["portal_url"])
    if form == "html":
        return f"{site}/zwgk/zfxxgk/ndbg/{year + 1}01/t{year + 1}01{serial % 28 + 1:02d}_{serial}.html"
    return f"{site}/zwgk/zfxxgk/ndbg/{year + 1}01/P0{20_000_000 + serial}.{form}"


def build(path: Path = DEFAULT_PATH, reports: int = 100_000, *, force: bool = False,
          seed: int = SEED, log=print) -> dict:
    """Build (or reuse) the synthetic archive at ``path``; return its counts and timings."""
    path = Path(path)
    if not force and is_complete(path, reports):
        log(f"{path}: complete ({reports:,} reports), reused")
        return summary(path)
    if path.exists() and not force and not _is_synthetic(path):
        raise SystemExit(f"{path}: exists and is not a synthetic archive; not replaced without --force")
    _remove(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    material = Material()
    generator = Generator(material, seed)
    archive = Archive(path)
    counties = counties_of(archive)
    bodies = plan_bodies(random.Random(seed + 1), counties, reports)
    log(f"{len(counties):,} county-level portals, {len(bodies):,} bodies, "
        f"{len({b['county']['adcode'] for b in bodies}):,} counties, "
        f"{len({b['county']['province'] for b in bodies})} provinces; templates from the seeds")
    clock = datetime(2026, 1, 5, tzinfo=timezone.utc)
    run = archive.start_run(region="synthetic", settings={MARK: {"reports": reports, "seed": seed, "phase": "first"}})
    pick = random.Random(seed + 2)
    revisions: list[tuple[Fetched, dict]] = []
    per_site: Counter = Counter()
    serial = done = 0
    last = time.perf_counter()

    def stored() -> None:
        nonlocal last
        now_ = time.perf_counter()
        log(f"  {done:>9,} reports  {BATCH / (now_ - last):>6,.0f} reports/s (batch)  "
            f"{done / (now_ - started):>6,.0f} reports/s (overall)  {now_ - started:>7.1f} s")
        last = now_

    batch_open = False
    context = None
    for body in bodies:
        carried = None
        county = body["county"]
        for year in body["years"]:
            if not batch_open:
                context = archive.db.atomic()
                context.__enter__()
                batch_open = True
            serial += 1
            parsed, carried = generator.report(body, year, carried, serial)
            url = _url(county, year, serial, parsed["format"])
            fetched = Fetched(url=url, status=200, body=f"{url}\n{serial}\nv1".encode(),
                              headers={"content-type": "text/html" if parsed["format"] == "html" else "application/octet-stream"},
                              fetched_at=(clock + timedelta(seconds=serial)).isoformat(timespec="seconds"),
                              site=site_of(url), source_id=county["id"],
                              region={key: county[key] for key in ("province", "city", "county", "adcode")})
            archive.store(run, fetched, Report.from_json(parsed))
            per_site[(site_of(url), county["id"])] += 1
            if pick.random() < SECOND_VERSION_SHARE:
                revisions.append((fetched, revise(parsed, pick)))
            done += 1
            if done % BATCH == 0:
                context.__exit__(None, None, None)
                batch_open = False
                stored()
    if batch_open:
        context.__exit__(None, None, None)
    with archive.db.atomic():
        for (site, source_id), count in per_site.items():
            archive.record_site(run, site, source_id=source_id, status="ok", pages=count + 3,
                                documents=count, reports_found=count, errors=0)
    archive.finish_run(run, pages=sum(per_site.values()))
    first = time.perf_counter() - started
    log(f"first run: {done:,} reports in {first:.1f} s ({done / first:,.0f} reports/s); "
        f"{len(revisions):,} second versions next")

    run2 = archive.start_run(region="synthetic", settings={MARK: {"reports": reports, "seed": seed, "phase": "versions"}})
    later = clock + timedelta(days=120)
    with archive.db.atomic():
        for i, (fetched, parsed) in enumerate(revisions):
            again = Fetched(url=fetched.url, status=200, body=fetched.body + b"\nv2", headers=fetched.headers,
                            fetched_at=(later + timedelta(seconds=i)).isoformat(timespec="seconds"),
                            site=fetched.site, source_id=fetched.source_id, region=fetched.region)
            archive.store(run2, again, Report.from_json(parsed))
    archive.finish_run(run2, pages=len(revisions))
    archive.close()  # the last connection out folds the write-ahead log into the file
    elapsed = time.perf_counter() - started
    result = summary(path)
    result.update({"build_seconds": round(elapsed, 1), "reports_per_second": round((done + len(revisions)) / elapsed, 1)})
    log(f"built in {elapsed:.1f} s: {(done + len(revisions)) / elapsed:,.0f} stores/s")
    return result


def summary(path: Path) -> dict:
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    compression.define(connection)  # report_versions shows its compressed text through it
    try:
        count = {table: connection.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
                 for table in ("reports", "report_versions", "request_counts", "proactive_counts",
                               "appeal_counts", "checks", "report_summary", "sources")}
        count["checks_failing"] = connection.execute("SELECT count(*) FROM checks WHERE ok = 0").fetchone()[0]
        count["reports_inconsistent"] = connection.execute(
            "SELECT count(*) FROM reports WHERE consistent = 0").fetchone()[0]
        count["reports_with_versions"] = connection.execute(
            "SELECT count(*) FROM reports WHERE version > 1").fetchone()[0]
        count["counties"] = connection.execute("SELECT count(DISTINCT adcode) FROM reports").fetchone()[0]
        count["provinces"] = connection.execute("SELECT count(DISTINCT province) FROM reports").fetchone()[0]
    finally:
        connection.close()
    count["cells"] = count["request_counts"] + count["proactive_counts"] + count["appeal_counts"]
    count["bytes"] = sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))
    return count


def ensure(path: Path = DEFAULT_PATH, reports: int = 100_000, log=print) -> Path:
    build(path, reports, log=log)
    return Path(path)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--db", type=Path, default=DEFAULT_PATH)
    options.add_argument("--reports", type=int, default=100_000)
    options.add_argument("--force", action="store_true", help="Rebuild even when the file is complete.")
    options.add_argument("--seed", type=int, default=SEED)
    args = options.parse_args()
    result = build(args.db, args.reports, force=args.force, seed=args.seed,
                   log=lambda line: print(line, flush=True))
    print(f"reports {result['reports']:,} (versions {result['report_versions']:,}, "
          f"{result['reports_with_versions']:,} with two), {result['counties']:,} counties, "
          f"{result['provinces']} provinces")
    print(f"cells {result['cells']:,} = request_counts {result['request_counts']:,} + proactive_counts "
          f"{result['proactive_counts']:,} + appeal_counts {result['appeal_counts']:,}")
    print(f"checks {result['checks']:,} ({result['checks_failing']:,} failing; "
          f"{result['reports_inconsistent']:,} reports inconsistent)")
    print(f"file {result['bytes'] / 1e9:.2f} GB ({args.db})")
    if "build_seconds" in result:
        print(f"build {result['build_seconds']:.0f} s, {result['reports_per_second']:,.0f} reports/s")


if __name__ == "__main__":
    main()
