"""Public figures for Liyang and its peers, and the reviewed table matching them to indicators.

``PUBLIC_FIGURES_CSV`` is a verbatim copy of ``liyang_public_figures.csv`` (253 figures read
in statistical bulletins, government work reports and news reports; columns ``city, year,
indicator_zh, indicator_en, value, unit, source``), embedded so that the demo works offline
from an installed package. Every row is a number as printed in its source.

A figure enters the demo only through ``MATCHES``: an explicit, reviewed table from the
source's own indicator text and unit to a framework indicator code. Nothing is matched
fuzzily. A figure matches when indicator, unit string and year are the same: a figure in
万元 does not match an indicator in 元, and figures whose text carries a qualifier — 突破 /
超 / 余 / 以上 / 多 / 站上 (lower bounds), 1-8月 etc. (part of the year), 规划值 (a plan) —
are not in the table and never used as values. A figure is ``preliminary`` when its text or
its source says 预计 (a work report's estimate) or "preliminary", otherwise ``final``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

#: Public city names (as in the CSV) -> demo unit codes. Rows for other places (the
#: prefecture 常州市, the district 武进区, the province, the high-tech zone or the Tianmu
#: Lake area) are not demo units and are never matched.
CITY_CODES: dict[str, str] = {
    "溧阳市": "liyang",
    "昆山市": "kunshan",
    "江阴市": "jiangyin",
    "张家港市": "zhangjiagang",
    "常熟市": "changshu",
    "太仓市": "taicang",
    "宜兴市": "yixing",
    "丹阳市": "danyang",
    "句容市": "jurong",
    "扬中市": "yangzhong",
}

#: The reviewed matching table: (indicator text as printed, unit) -> framework indicator.
#: Deliberately NOT matched: 人均地区生产总值 in 万元 (EC01 is in 元); 城镇新增就业(人员)
#: in 万人 (LV05 is in 人); 城镇登记失业率 (registered, LV06 is the surveyed rate);
#: 新兴产业 / 战略性新兴产业 shares (a wider concept than high-tech industry, EC09);
#: totals that would need a denominator (GDP, budget revenue, population, beds);
#: every row with a qualifier (突破, 超, 余, 以上, 多, 站上, 1-N月, 规划值); and the power-battery
#: industry OUTPUT (产值, 429 亿元 in 2021): EC04 is the cluster's operating REVENUE (营业收入),
#: another concept, so the figure only calibrates the generator (see demo_specs).
MATCHES: dict[tuple[str, str], str] = {
    ("人均地区生产总值", "元"): "EC01",
    ("地区生产总值增速", "%"): "EC02",
    ("地区生产总值增速(预计)", "%"): "EC02",
    ("全社会研发投入占比", "%"): "EC08",
    ("全社会研发投入占地区生产总值比重", "%"): "EC08",
    ("研发经费占GDP比重", "%"): "EC08",
    ("高新技术产业产值占比", "%"): "EC09",
    ("高新产业产值占比", "%"): "EC09",
    ("高新技术产业产值占规上工业比重", "%"): "EC09",
    ("实际使用外资", "亿美元"): "EC12",
    ("实际利用外资(预计)", "亿美元"): "EC12",
    ("接待游客", "万人次"): "EN11",
    ("接待境内外游客", "万人次"): "EN11",
    ("旅游收入", "亿元"): "EN12",
    ("旅游总收入", "亿元"): "EN12",
    ("常住人口城镇化率", "%"): "PS09",
    # The source's 城市化率 is the usual resident-population urbanisation rate.
    ("城市化率", "%"): "PS09",
    ("城镇居民人均可支配收入", "元"): "LV01",
    ("农村居民人均可支配收入", "元"): "LV02",
    ("城镇新增就业人数", "人"): "LV05",
    ("人均预期寿命", "岁"): "LV12",
}

#: Indicator-text pattern of a bound ((突破)/(超)/(余)/(以上)/(多)/(站上)), a rounded
#: figure ((约)), a part-year figure (1-8月 ...) or a plan ((规划值)). The source marks
#: qualifiers in parentheses: 规模以上 ("above designated size") and a reporting date such
#: as "截至2022年2月报道" are not qualifiers.
QUALIFIER_PATTERN = re.compile(r"\((?:突破|超|余|以上|多|站上|约|规划值)\)|\d+\s*-\s*\d+\s*月")

PUBLIC_COLUMNS = ["city", "year", "indicator_zh", "indicator_en", "value", "unit", "source"]
OBSERVATION_COLUMNS = ["unit", "indicator", "period", "value", "status", "source"]


def has_qualifier(indicator_zh: str) -> bool:
    """True when the printed indicator text marks a bound, part-year figure or plan."""
    return QUALIFIER_PATTERN.search(indicator_zh) is not None


@lru_cache(maxsize=1)
def _parsed() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(PUBLIC_FIGURES_CSV), dtype={"year": "int64"})


def public_figures() -> pd.DataFrame:
    """All 253 public figures as printed (a fresh copy; columns as ``PUBLIC_COLUMNS``)."""
    return _parsed().copy()


def figure_status(indicator_zh: pd.Series, indicator_en: pd.Series, source: pd.Series) -> pd.Series:
    """``preliminary`` where the text or source says 预计/preliminary, else ``final``."""
    text = indicator_zh + " " + indicator_en + " " + source
    prelim = text.str.contains("预计|preliminary|初步", regex=True)
    return pd.Series(["preliminary" if p else "final" for p in prelim], index=text.index)


def matched_figures(
    indicators: Iterable[str] | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Public figures that match a framework indicator exactly, as observations.

    Columns ``unit, indicator, period, value, status, source``. Only rows of ``MATCHES``
    and ``CITY_CODES`` are used; optionally restricted to ``indicators`` and ``years``.
    When one unit, indicator and year has several figures, a final one wins over a
    preliminary one, then the first in file order.
    """
    df = _parsed()
    keys = list(zip(df["indicator_zh"], df["unit"], strict=True))
    code = pd.Series([MATCHES.get(k) for k in keys], index=df.index, dtype="object")
    unit = df["city"].map(CITY_CODES)
    keep = code.notna() & unit.notna()
    if indicators is not None:
        keep &= code.isin(list(indicators))
    if years is not None:
        keep &= df["year"].isin(list(years))
    sub = df[keep]
    out = pd.DataFrame(
        {
            "unit": unit[keep],
            "indicator": code[keep],
            "period": sub["year"].astype("int64"),
            "value": sub["value"].astype(float),
            "status": figure_status(sub["indicator_zh"], sub["indicator_en"], sub["source"]),
            "source": sub["source"],
        }
    )
    out["_rank"] = (out["status"] != "final").astype(int)
    out = out.sort_values(["_rank"], kind="stable")
    out = out.drop_duplicates(["unit", "indicator", "period"], keep="first")
    out = out.drop(columns="_rank").sort_values(["indicator", "unit", "period"], kind="stable")
    return out.reset_index(drop=True)[OBSERVATION_COLUMNS]


#: Verbatim copy of /work/shared/data/liyang_public_figures.csv (line endings normalised).
PUBLIC_FIGURES_CSV = """\
city,year,indicator_zh,indicator_en,value,unit,source
溧阳市,2010,地区生产总值,GDP,416.5,亿元,https://m.qiqiwenku.com/ppt/145448.html (江苏溧阳体育旅游发展思路)
溧阳市,2010,接待游客,tourist arrivals,800,万人次,https://m.qiqiwenku.com/ppt/145448.html (江苏溧阳体育旅游发展思路)
溧阳市,2010,旅游收入,tourism revenue,70,亿元,https://m.qiqiwenku.com/ppt/145448.html (江苏溧阳体育旅游发展思路)
溧阳市,2014,公共财政预算收入,general public budget revenue,50.6,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,地区生产总值,GDP,716,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,工业总产值(突破),gross industrial output (reported as 'exceeded'),2000,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,接待游客(突破),tourist arrivals (reported as 'exceeded'),1300,万人次,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,旅游总收入,total tourism revenue,142.8,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,服务业增加值,services value added,297,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,社会消费品零售总额,total retail sales of consumer goods,259,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2014,规模以上工业增加值,value added of industry above designated size,341.8,亿元,"http://m.bjjxdhy.com/top10/7668.html (溧阳概况, 2014 review)"
溧阳市,2016,宁德时代溧阳基地规划产能(规划值),"CATL Liyang base planned capacity (plan at groundbreaking, not actual)",10,GWh,"http://li-b.cn/post/39725.html (report on CATL 长三角基地 groundbreaking in 溧阳, 2016-09-28)"
溧阳市,2016,宁德时代溧阳基地规划总投资(规划值),CATL Liyang base planned investment (plan),100,亿元,"http://li-b.cn/post/39725.html (report on CATL 长三角基地 groundbreaking in 溧阳, 2016-09-28)"
溧阳市,2017,全国文明城市(第五届新入选),"National Civilised City title newly awarded (5th batch, 2017)",1,flag,http://198.12.123.165:9000/RelationshipsPeople/16442306.html (article on 第五届全国文明城市名单 2017)
溧阳市,2017,接待境内外游客,tourist arrivals (domestic+foreign),1757.09,万人次,https://p2.ttnews.xyz/a/5b57ebecdc9b5e3e0ef919c0 (看溧阳从天目湖走向全域旅游)
溧阳市,2017,旅游总收入,total tourism revenue,206.59,亿元,https://p2.ttnews.xyz/a/5b57ebecdc9b5e3e0ef919c0 (看溧阳从天目湖走向全域旅游)
溧阳市,2020,全国文明城市称号(2020名单:复查保留),National Civilised City title held per 2020 list (retained on review),1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
溧阳市,2020,地区生产总值,GDP,1086.36,亿元,http://s.www.hbzqbyyxgs.com/news/514131.html (2020年常州各区GDP排行)
溧阳市,2020,地区生产总值增速,GDP real growth,4.6,%,http://s.www.hbzqbyyxgs.com/news/514131.html (2020年常州各区GDP排行)
溧阳市,2020,城镇人口(七普),urban resident population (7th census),495507,人,"https://zhwiki.oracleblog.org/zh-my/%E6%BA%A7%E9%98%B3%E5%B8%82 (Wikipedia mirror, 溧阳市 infobox)"
溧阳市,2020,常住人口(七普),resident population (7th census),785092,人,"https://zhwiki.oracleblog.org/zh-my/%E6%BA%A7%E9%98%B3%E5%B8%82 (Wikipedia mirror, 溧阳市 infobox)"
溧阳市,2020,户籍人口,registered (hukou) population,77.69,万人,"https://zhwiki.oracleblog.org/zh-my/%E6%BA%A7%E9%98%B3%E5%B8%82 (Wikipedia mirror, 溧阳市 infobox)"
溧阳市,2021,中国投资潜力百强县排名,"rank, China investment-potential Top-100 counties (2021 list)",19,名次,"https://bdditu.com/changzhouditu/Liyang.html (溧阳 page, list of rankings)"
溧阳市,2021,全国工业百强县排名,"rank, national industrial Top-100 counties (Dec 2021 list)",28,名次,"https://bdditu.com/changzhouditu/Liyang.html (溧阳 page, list of rankings)"
溧阳市,2021,动力电池产业产值(截至2022年2月报道),"power-battery industry output (reported Feb 2022, i.e. ~2021)",429,亿元,http://yuqing.jschina.com.cn/sn/202202/t20220221_2950621.shtml (新华日报/交汇点 2022-02-21 '常州新能源产业加速跑起来')
溧阳市,2021,动力电池产业链企业(余),power-battery supply-chain firms (reported as '50-odd'),50,家,http://yuqing.jschina.com.cn/sn/202202/t20220221_2950621.shtml (新华日报/交汇点 2022-02-21 '常州新能源产业加速跑起来')
溧阳市,2021,动力电池出货量占全省比重(以上),power-battery shipments as share of Jiangsu (reported as 'over'),50,%,http://yuqing.jschina.com.cn/sn/202202/t20220221_2950621.shtml (新华日报/交汇点 2022-02-21 '常州新能源产业加速跑起来')
溧阳市,2021,地区生产总值,GDP,1261.3,亿元,"https://verywind.cn/ee/xxe2xfjjyrye27vxrx.html (Q&A page '溧阳是属于哪一个市', encyclopedia-style summary); also https://bdditu.com/changzhouditu/Liyang.html"
溧阳市,2021,地区生产总值增速,GDP real growth,10.1,%,"https://verywind.cn/ee/xxe2xfjjyrye27vxrx.html (Q&A page '溧阳是属于哪一个市', encyclopedia-style summary)"
溧阳市,2021,建成区面积,built-up area,34.37,平方公里,"https://zhwiki.oracleblog.org/zh-my/%E6%BA%A7%E9%98%B3%E5%B8%82 (Wikipedia mirror, 溧阳市 infobox)"
溧阳市,2021,建筑业地方税收贡献,local tax from construction sector,27.5,亿元,https://www.kczg.org.cn/rules/detail?id=6071067 (reprint of 常报全媒体 2022-02-21 溧阳建筑业大会)
溧阳市,2021,建筑业施工产值,construction output,1124,亿元,https://www.kczg.org.cn/rules/detail?id=6071067 (reprint of 常报全媒体 2022-02-21 溧阳建筑业大会)
溧阳市,2021,户籍人口,registered (hukou) population,78.55,万人,"https://verywind.cn/ee/xxe2xfjjyrye27vxrx.html (Q&A page '溧阳是属于哪一个市', encyclopedia-style summary)"
溧阳市,2022,1-8月接待游客,"tourist arrivals, Jan-Aug only",1430.75,万人次,"https://www9599116.com/ns_news/92166354826291 (mirror of changzhou.gov.cn news 2022-09-19, 品质溧阳建设报道4)"
溧阳市,2022,1-8月旅游直接营业收入,"direct tourism operating revenue, Jan-Aug only",20.03,亿元,"https://www9599116.com/ns_news/92166354826291 (mirror of changzhou.gov.cn news 2022-09-19, 品质溧阳建设报道4)"
溧阳市,2022,中国百强县排名(2022年3月发布),"rank, China Top-100 counties (list published Mar 2022)",26,名次,"https://bdditu.com/changzhouditu/Liyang.html (溧阳 page, list of rankings)"
溧阳市,2022,全国县域旅游综合实力百强县排名,"rank, national county tourism strength Top-100 (2022)",17,名次,"https://bdditu.com/changzhouditu/Liyang.html (溧阳 page, list of rankings)"
溧阳市,2022,地区生产总值,GDP,1416.2,亿元,"https://verywind.cn/ee/xxe2xfjjyrye27vxrx.html (Q&A page '溧阳是属于哪一个市', encyclopedia-style summary)"
溧阳市,2022,赛迪百强县排名,"rank, CCID Top-100 counties (2022)",30,名次,"https://bdditu.com/changzhouditu/Liyang.html (溧阳 page, list of rankings)"
溧阳市,2022,长三角百强县排名,"rank, Yangtze-Delta Top-100 counties (2022)",20,名次,"https://bdditu.com/changzhouditu/Liyang.html (溧阳 page, list of rankings)"
溧阳市,2023,人均地区生产总值,GDP per capita,19.3,万元,"https://zhwiki.oracleblog.org/zh-my/%E6%BA%A7%E9%98%B3%E5%B8%82 (Wikipedia mirror, 溧阳市 infobox)"
溧阳市,2023,全国县域旅游高质量发展研究报告2023排名,rank in 'National County Tourism High-Quality Development Report 2023',16,名次,https://big5.cri.cn/gate/big5/js.cri.cn/20240523/7b5ebe74-a683-7d61-4e7e-7b4124704146.html (交汇点新闻 2024-05-23)
溧阳市,2023,吸引游客(超),tourist arrivals (reported as 'over'),2700,万人次,https://big5.cri.cn/gate/big5/js.cri.cn/20240523/7b5ebe74-a683-7d61-4e7e-7b4124704146.html (交汇点新闻 2024-05-23)
溧阳市,2023,地区生产总值,GDP,1557.22,亿元,"https://zhwiki.oracleblog.org/zh-my/%E6%BA%A7%E9%98%B3%E5%B8%82 (Wikipedia mirror, 溧阳市 infobox)"
溧阳市,2023,地区生产总值增速,GDP real growth,9.7,%,"http://www.sccjw.com/football/165580.html (article '溧阳,古县新颜')"
溧阳市,2023,旅游收入(超),tourism revenue (reported as 'over'),320,亿元,https://big5.cri.cn/gate/big5/js.cri.cn/20240523/7b5ebe74-a683-7d61-4e7e-7b4124704146.html (交汇点新闻 2024-05-23)
溧阳市,2024,1号公路串联乡村旅游点(多),rural tourism spots linked by No.1 Road (reported as '220-plus'),220,个,"https://bbs.3sjt.com/thread-6427896-1-1.html (溧阳'农村公路+旅游'典型案例, 2024-10-16)"
溧阳市,2024,中国县域高质量发展百强榜排名,"rank, China county high-quality-development Top-100 (2024 list)",19,名次,"https://wxredian.com/art?id=201304a021c0649715e915b1bd9aba74 (溧阳市十七届人大四次会议开幕 2025-01-04, 2024 政府工作报告 summary)"
溧阳市,2024,中国综合竞争力百强县市排名,"rank, China comprehensive-competitiveness Top-100 counties (2024 list)",20,名次,"https://wxredian.com/art?id=201304a021c0649715e915b1bd9aba74 (溧阳市十七届人大四次会议开幕 2025-01-04, 2024 政府工作报告 summary)"
溧阳市,2024,地区生产总值(突破),GDP (reported as 'exceeded'),1650,亿元,"https://wxredian.com/art?id=201304a021c0649715e915b1bd9aba74 (溧阳市十七届人大四次会议开幕 2025-01-04, 2024 政府工作报告 summary)"
溧阳市,2024,地区生产总值增速,GDP real growth,6,%,"https://wxredian.com/art?id=201304a021c0649715e915b1bd9aba74 (溧阳市十七届人大四次会议开幕 2025-01-04, 2024 政府工作报告 summary)"
溧阳市,2024,溧阳1号公路长度,length of 'Liyang No.1 Road' rural tourism road,365,公里,"https://bbs.3sjt.com/thread-6427896-1-1.html (溧阳'农村公路+旅游'典型案例, 2024-10-16)"
溧阳高新区,2021,主导产业占高新区制造业销售收入比重,share of that leading industry in zone manufacturing sales,73,%,https://www9599116.com/gxj/html/jxw/2022/CJOLOPAM_0128/33235.html (mirror of 常州市工信局 news 2022-01-28)
溧阳高新区,2021,新能源电力装备为核心的主导产业销售收入,"sales revenue of leading industry centred on new-energy power equipment (incl. power batteries), Liyang High-tech Zone",850,亿元,https://www9599116.com/gxj/html/jxw/2022/CJOLOPAM_0128/33235.html (mirror of 常州市工信局 news 2022-01-28)
溧阳高新区,2021,规上企业有效发明专利数,valid invention patents held by above-scale firms,615,件,https://www9599116.com/gxj/html/jxw/2022/CJOLOPAM_0128/33235.html (mirror of 常州市工信局 news 2022-01-28)
溧阳市(天目湖流域),2021,区域森林覆盖率(以上),forest coverage of Tianmu Lake area (reported as 'over'),80,%,"https://sthjj.changzhou.gov.cn/html/hbj/2021/HOEBJJFI_0506/21698.html (常州市生态环境局 2021-05-06, 溧阳两山实践)"
溧阳市(天目湖流域),2021,天目湖水质类别(常年),"Tianmu Lake water quality class (year-round, surface-water class)",2,类(II类),"https://sthjj.changzhou.gov.cn/html/hbj/2021/HOEBJJFI_0506/21698.html (常州市生态环境局 2021-05-06, 溧阳两山实践)"
溧阳市(天目湖镇),2019,天目湖镇接待游客(余),"tourist arrivals, Tianmu Lake town (reported as '800-odd')",800,万人次,"https://sthjj.changzhou.gov.cn/html/hbj/2021/HOEBJJFI_0506/21698.html (常州市生态环境局 2021-05-06, 溧阳两山实践)"
溧阳市(天目湖镇),2019,天目湖镇旅游总收入(超),"tourism revenue, Tianmu Lake town (reported as 'over')",20,亿元,"https://sthjj.changzhou.gov.cn/html/hbj/2021/HOEBJJFI_0506/21698.html (常州市生态环境局 2021-05-06, 溧阳两山实践)"
昆山市,2019,地区生产总值,GDP,4045.06,亿元,"http://yzaobao.com/shiju/20210103/83837.html (联合早报 2021-01-03, citing 中新社; 2020 preliminary)"
昆山市,2020,一般公共预算收入,general public budget revenue,428,亿元,http://m.easyfang.com/a/2021/0226/01181065.html (诚说: 江苏昆山20年实现GDP总值4276.8亿元)
昆山市,2020,全体居民人均可支配收入,per-capita disposable income (all residents),62238,元,http://www.jz8899.net/hqrw/2021/1209/65263.html (reprint of 苏州日报 2021-12-09)
昆山市,2020,全国文明城市称号(2020名单:第六届新入选),"National Civilised City title held per 2020 list (new, 6th batch)",1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
昆山市,2020,全社会研发投入占比,R&D spending as share of GDP,3.7,%,"http://yzaobao.com/shiju/20210103/83837.html (联合早报 2021-01-03, citing 中新社; 2020 preliminary)"
昆山市,2020,农村居民人均可支配收入,rural per-capita disposable income,38320,元,http://www.jz8899.net/hqrw/2021/1209/65263.html (reprint of 苏州日报 2021-12-09)
昆山市,2020,出口总额,exports,573.82,亿美元,http://m.easyfang.com/a/2021/0226/01181065.html (诚说: 江苏昆山20年实现GDP总值4276.8亿元)
昆山市,2020,县级市基本现代化指数,"county-level city basic modernisation index (2021 report, 2020 data)",90.52,指数,http://www.jz8899.net/hqrw/2021/1209/65263.html (reprint of 苏州日报 2021-12-09)
昆山市,2020,地区生产总值,GDP,4276.76,亿元,"https://www.sanwenwang.com/ba/nbsmlfqf.html (江苏省经济十强县, citing 江苏统计年鉴2021)"
昆山市,2020,地区生产总值增速,GDP real growth,4.0,%,http://www.jz8899.net/hqrw/2021/1209/65263.html (reprint of 苏州日报 2021-12-09)
昆山市,2020,城镇居民人均可支配收入,urban per-capita disposable income,71519,元,http://www.jz8899.net/hqrw/2021/1209/65263.html (reprint of 苏州日报 2021-12-09)
昆山市,2020,实际使用外资,actually utilised FDI,10.48,亿美元,http://m.easyfang.com/a/2021/0226/01181065.html (诚说: 江苏昆山20年实现GDP总值4276.8亿元)
昆山市,2020,新兴产业产值占比,emerging industries share of industrial output,51,%,"http://yzaobao.com/shiju/20210103/83837.html (联合早报 2021-01-03, citing 中新社; 2020 preliminary)"
昆山市,2020,社会消费品零售总额,total retail sales of consumer goods,1398.08,亿元,http://m.easyfang.com/a/2021/0226/01181065.html (诚说: 江苏昆山20年实现GDP总值4276.8亿元)
昆山市,2020,规上工业总产值(初步),gross output of industry above designated size (preliminary),8972,亿元,"http://yzaobao.com/shiju/20210103/83837.html (联合早报 2021-01-03, citing 中新社; 2020 preliminary)"
昆山市,2020,规模以上工业增加值,value added of industry above designated size,1853.03,亿元,http://m.easyfang.com/a/2021/0226/01181065.html (诚说: 江苏昆山20年实现GDP总值4276.8亿元)
昆山市,2020,进出口总额,total imports and exports,868.4,亿美元,http://m.easyfang.com/a/2021/0226/01181065.html (诚说: 江苏昆山20年实现GDP总值4276.8亿元)
昆山市,2020,高新技术产业产值占比,high-tech industry share of industrial output,47,%,"http://yzaobao.com/shiju/20210103/83837.html (联合早报 2021-01-03, citing 中新社; 2020 preliminary)"
昆山市,2021,一般公共预算收入(预计),general public budget revenue (preliminary),466.9,亿元,"http://qinhe77.com/szsrmzf/sxq/202206/18a1276ef4d84713aecc8d6561503ec9.shtml (mirror of 2022 昆山市政府工作报告, reviewing 2021; 预计数)"
昆山市,2021,人均地区生产总值,GDP per capita,22.69,万元,"https://github.com/Rock-Candy-Tea/RSSHUB-PAGE/blob/HEAD/source/_posts/金融/新浪财经/新浪财经－国內/昆山人均GDP远超义乌，人均可支配收入却比义乌低，原因何在？.md (中国经济周刊 via Sina, 2022-04-04)"
昆山市,2021,全体居民人均可支配收入,per-capita disposable income (all residents),67871,元,"https://github.com/Rock-Candy-Tea/RSSHUB-PAGE/blob/HEAD/source/_posts/金融/新浪财经/新浪财经－国內/昆山人均GDP远超义乌，人均可支配收入却比义乌低，原因何在？.md (中国经济周刊 via Sina, 2022-04-04)"
昆山市,2021,地区生产总值(政府工作报告预计),GDP (government work report preliminary estimate),4700,亿元,"http://qinhe77.com/szsrmzf/sxq/202206/18a1276ef4d84713aecc8d6561503ec9.shtml (mirror of 2022 昆山市政府工作报告, reviewing 2021; 预计数)"
昆山市,2021,地区生产总值(约),GDP (rounded as reported),4700,亿元,"https://github.com/Rock-Candy-Tea/RSSHUB-PAGE/blob/HEAD/source/_posts/金融/新浪财经/新浪财经－国內/昆山人均GDP远超义乌，人均可支配收入却比义乌低，原因何在？.md (中国经济周刊 via Sina, 2022-04-04)"
昆山市,2022,全社会研发投入占地区生产总值比重,R&D spending as share of GDP,3.83,%,"http://xy.m2qu.com/weizhi3lyZJ/index.phtml (reprint of 苏州日报 report on 昆山 2022 GDP, Jan 2023)"
昆山市,2022,地区生产总值,GDP,5006.7,亿元,https://app.myzaker.com/article/63d7b68a1bc8e07849000015 (现代快报 2023-01-30)
昆山市,2022,地区生产总值增速,GDP real growth,1.8,%,"http://xy.m2qu.com/weizhi3lyZJ/index.phtml (reprint of 苏州日报 report on 昆山 2022 GDP, Jan 2023)"
昆山市,2022,工业投资,industrial investment,250,亿元,"http://xy.m2qu.com/weizhi3lyZJ/index.phtml (reprint of 苏州日报 report on 昆山 2022 GDP, Jan 2023)"
昆山市,2022,战略性新兴产业产值占规上工业产值比重,strategic emerging industries share of above-scale industrial output,55.5,%,"http://xy.m2qu.com/weizhi3lyZJ/index.phtml (reprint of 苏州日报 report on 昆山 2022 GDP, Jan 2023)"
昆山市,2023,常住人口城镇化率,urbanisation rate (resident),79.71,%,"http://lanqiu.huandun.cc/huandun/昆山/0 (encyclopedia page 昆山市, updated 2024-09)"
昆山市,2023,年末常住人口,resident population (year-end),214.85,万人,"http://lanqiu.huandun.cc/huandun/昆山/0 (encyclopedia page 昆山市, updated 2024-09)"
昆山市,2024,一般公共预算收入,general public budget revenue,458.61,亿元,"http://m.ilynn.cn/document_detail/133293.html (2024年昆山市国民经济和社会发展统计公报, reprint)"
昆山市,2024,地区生产总值,GDP,5380.17,亿元,"http://m.ilynn.cn/document_detail/133293.html (2024年昆山市国民经济和社会发展统计公报, reprint)"
昆山市,2024,地区生产总值增速,GDP real growth,6.1,%,"http://m.ilynn.cn/document_detail/133293.html (2024年昆山市国民经济和社会发展统计公报, reprint)"
昆山市,2024,城镇新增就业,new urban jobs,9.63,万人,"http://m.ilynn.cn/document_detail/133293.html (2024年昆山市国民经济和社会发展统计公报, reprint)"
昆山市,2024,年末户籍总人口,registered population (year-end),129.46,万人,"http://m.ilynn.cn/document_detail/133293.html (2024年昆山市国民经济和社会发展统计公报, reprint)"
昆山市,2024,税收收入占一般公共预算收入比重,tax share of budget revenue,83.1,%,"http://m.ilynn.cn/document_detail/133293.html (2024年昆山市国民经济和社会发展统计公报, reprint)"
江阴市,2017,全国文明城市(第五届新入选),"National Civilised City title newly awarded (5th batch, 2017)",1,flag,http://198.12.123.165:9000/RelationshipsPeople/16442306.html (article on 第五届全国文明城市名单 2017)
江阴市,2020,全体居民人均可支配收入,per-capita disposable income (all residents),61859,元,http://jsjy.wenming.cn/jygl/202112/t20211202_3328413.shtml (中国文明网江阴站 '人民更幸福' 2021-12-02)
江阴市,2020,全国文明城市复查测评通报表扬,"commended for top review-assessment score (33 cities nationally, 2020)",1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
江阴市,2020,全国文明城市称号(2020名单:复查保留),National Civilised City title held per 2020 list (retained on review),1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
江阴市,2020,农村居民人均可支配收入,rural per-capita disposable income,38416,元,http://jsjy.wenming.cn/jygl/202112/t20211202_3328413.shtml (中国文明网江阴站 '人民更幸福' 2021-12-02)
江阴市,2020,农村居民家庭恩格尔系数,rural Engel coefficient,30,%,http://jsjy.wenming.cn/jygl/202112/t20211202_3328413.shtml (中国文明网江阴站 '人民更幸福' 2021-12-02)
江阴市,2020,地区生产总值,GDP,4113.75,亿元,"https://www.sanwenwang.com/ba/nbsmlfqf.html (江苏省经济十强县, citing 江苏统计年鉴2021)"
江阴市,2020,城镇居民人均可支配收入,urban per-capita disposable income,72185,元,http://jsjy.wenming.cn/jygl/202112/t20211202_3328413.shtml (中国文明网江阴站 '人民更幸福' 2021-12-02)
江阴市,2020,城镇居民家庭恩格尔系数,urban Engel coefficient,27.8,%,http://jsjy.wenming.cn/jygl/202112/t20211202_3328413.shtml (中国文明网江阴站 '人民更幸福' 2021-12-02)
江阴市,2021,人均预期寿命,life expectancy,82.49,岁,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,全体居民人均可支配收入,per-capita disposable income (all residents),67555,元,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,农村居民人均可支配收入,rural per-capita disposable income,42519,元,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,农村居民家庭恩格尔系数,rural Engel coefficient,29.5,%,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,医疗卫生机构,medical & health institutions,663,个,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,医疗卫生机构开放床位,open hospital beds,9683,张,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,卫生技术人员,health technical personnel,12415,人,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,地区生产总值,GDP,4580.33,亿元,"http://wxrb.com/doc/2022/12/17/230432.shtml (无锡日报 2022-12-17, 中郡所县域经济报告)"
江阴市,2021,城镇居民人均可支配收入,urban per-capita disposable income,78415,元,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,城镇居民家庭恩格尔系数,urban Engel coefficient,27.1,%,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,年末常住人口,resident population (year-end),178.2,万人,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2021,年末户籍人口,registered population (year-end),126.96,万人,"http://bx2200.com/tjgongbao/huadong/2022-05-13/387_4.html (2021年江阴市国民经济和社会发展统计公报, sections 10-11)"
江阴市,2022,地区生产总值,GDP,4960,亿元,"http://newht.ijiangyin.com:5577/index.php/Portal/jyw/article?from=zjy&id=532472 (江阴市委书记/市长 新春献词, early 2023, reviewing 2022)"
江阴市,2022,地区生产总值增速,GDP real growth,5.9,%,"http://newht.ijiangyin.com:5577/index.php/Portal/jyw/article?from=zjy&id=532472 (江阴市委书记/市长 新春献词, early 2023, reviewing 2022)"
江阴市,2022,实际使用外资,actually utilised FDI,11,亿美元,"http://newht.ijiangyin.com:5577/index.php/Portal/jyw/article?from=zjy&id=532472 (江阴市委书记/市长 新春献词, early 2023, reviewing 2022)"
江阴市,2022,年末常住人口,resident population (year-end),178.4,万人,http://myygl.org/myygl/7251518238092886031.html (简单百科: 江阴市)
江阴市,2022,规上工业产值(站上),gross output of industry above designated size (reported as 'reached level of'),7000,亿元,"http://newht.ijiangyin.com:5577/index.php/Portal/jyw/article?from=zjy&id=532472 (江阴市委书记/市长 新春献词, early 2023, reviewing 2022)"
张家港市,2020,全国文明城市复查测评通报表扬,"commended for top review-assessment score (33 cities nationally, 2020)",1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
张家港市,2020,全国文明城市称号(2020名单:复查保留),National Civilised City title held per 2020 list (retained on review),1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
张家港市,2020,地区生产总值,GDP,2686.6,亿元,"https://www.sanwenwang.com/ba/nbsmlfqf.html (江苏省经济十强县, citing 江苏统计年鉴2021)"
张家港市,2020,地区生产总值增速,GDP growth as listed,3.9,%,https://m.phsb.com/html/681/680056.html (2020年苏州市各区GDP排行榜)
张家港市,2020,常住人口(七普),resident population (7th census),1432044,人,http://41sky.com/rdzx/2021-12-11/81939.html (百强县排名 article)
张家港市,2021,一般公共预算收入,general public budget revenue,264.13,亿元,"http://qdyichengda.com/zjgszwz/gmjjfb/202205/23b73b19aa8440d98f36b5b024fa37f2.shtml (mirror of 2021年张家港市国民经济和社会发展统计公报, 张家港市统计局 2022-05-19)"
张家港市,2021,人均地区生产总值,GDP per capita,21.1,万元,"http://qdyichengda.com/zjgszwz/gmjjfb/202205/23b73b19aa8440d98f36b5b024fa37f2.shtml (mirror of 2021年张家港市国民经济和社会发展统计公报, 张家港市统计局 2022-05-19)"
张家港市,2021,全社会固定资产投资(预计),fixed-asset investment (preliminary),568,亿元,"http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/e30b4840a3a84cfda80331854e87de91.shtml (mirror of 张家港市2021年国民经济和社会发展计划执行情况报告, 2022-01-07; 预计数)"
张家港市,2021,全社会研发投入占地区生产总值比重,R&D spending as share of GDP,3.45,%,"http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/e30b4840a3a84cfda80331854e87de91.shtml (mirror of 张家港市2021年国民经济和社会发展计划执行情况报告, 2022-01-07; 预计数)"
张家港市,2021,地区生产总值,GDP,3030.21,亿元,"http://qdyichengda.com/zjgszwz/gmjjfb/202205/23b73b19aa8440d98f36b5b024fa37f2.shtml (mirror of 2021年张家港市国民经济和社会发展统计公报, 张家港市统计局 2022-05-19)"
张家港市,2021,地区生产总值增速,GDP real growth,8.0,%,"http://qdyichengda.com/zjgszwz/gmjjfb/202205/23b73b19aa8440d98f36b5b024fa37f2.shtml (mirror of 2021年张家港市国民经济和社会发展统计公报, 张家港市统计局 2022-05-19)"
张家港市,2021,实际利用外资(预计),actually utilised FDI (preliminary),10,亿美元,"http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/e30b4840a3a84cfda80331854e87de91.shtml (mirror of 张家港市2021年国民经济和社会发展计划执行情况报告, 2022-01-07; 预计数)"
张家港市,2021,年末常住人口,resident population (year-end),144.04,万人,"http://qdyichengda.com/zjgszwz/gmjjfb/202205/23b73b19aa8440d98f36b5b024fa37f2.shtml (mirror of 2021年张家港市国民经济和社会发展统计公报, 张家港市统计局 2022-05-19)"
张家港市,2021,年末户籍总人口,registered population (year-end),92.93,万人,"http://qdyichengda.com/zjgszwz/gmjjfb/202205/23b73b19aa8440d98f36b5b024fa37f2.shtml (mirror of 2021年张家港市国民经济和社会发展统计公报, 张家港市统计局 2022-05-19)"
张家港市,2021,社会消费品零售总额(预计),total retail sales of consumer goods (preliminary),783.5,亿元,"http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/e30b4840a3a84cfda80331854e87de91.shtml (mirror of 张家港市2021年国民经济和社会发展计划执行情况报告, 2022-01-07; 预计数)"
张家港市,2021,规模以上工业总产值(预计),gross output of industry above designated size (preliminary),5800,亿元,"http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/e30b4840a3a84cfda80331854e87de91.shtml (mirror of 张家港市2021年国民经济和社会发展计划执行情况报告, 2022-01-07; 预计数)"
张家港市,2021,进出口总额(预计),total imports and exports (preliminary),415,亿美元,"http://ckzpt.com/zjgszwz/gmjjshfzgh/202403/e30b4840a3a84cfda80331854e87de91.shtml (mirror of 张家港市2021年国民经济和社会发展计划执行情况报告, 2022-01-07; 预计数)"
张家港市,2023,一般公共预算收入,general public budget revenue,237.07,亿元,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,人均地区生产总值,GDP per capita,23.31,万元,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,地区生产总值,GDP,3365.8,亿元,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,地区生产总值增速,GDP real growth,3.7,%,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,城镇新增就业人数,new urban jobs,22853,人,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,常住人口城镇化率,urbanisation rate (resident),75.1,%,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,年末常住人口,resident population (year-end),144,万人,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,年末户籍总人口,registered population (year-end),92,万人,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,民生支出占一般公共预算支出比重,share of livelihood spending in budget expenditure,81.9,%,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
张家港市,2023,税收占比,tax share of budget revenue,80.5,%,"https://quyushuju.com/forum.php?mod=viewthread&tid=79543 (2023年张家港市国民经济和社会发展统计公报, reprint)"
常熟市,2017,人均地区生产总值,GDP per capita,150704,元,"https://zh.wikipedia-on-ipfs.org/wiki/%E5%B8%B8%E7%86%9F%E5%B8%82 (Wikipedia mirror, 常熟市 infobox)"
常熟市,2017,全国文明城市(第五届新入选),"National Civilised City title newly awarded (5th batch, 2017)",1,flag,http://198.12.123.165:9000/RelationshipsPeople/16442306.html (article on 第五届全国文明城市名单 2017)
常熟市,2017,地区生产总值,GDP,2279.55,亿元,"https://zh.wikipedia-on-ipfs.org/wiki/%E5%B8%B8%E7%86%9F%E5%B8%82 (Wikipedia mirror, 常熟市 infobox)"
常熟市,2020,全国文明城市复查测评通报表扬,"commended for top review-assessment score (33 cities nationally, 2020)",1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
常熟市,2020,全国文明城市称号(2020名单:复查保留),National Civilised City title held per 2020 list (retained on review),1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
常熟市,2020,地区生产总值,GDP,2365.43,亿元,"https://www.sanwenwang.com/ba/nbsmlfqf.html (江苏省经济十强县, citing 江苏统计年鉴2021)"
常熟市,2022,"一般公共预算收入(预计,同口径)","general public budget revenue (preliminary, like-for-like)",250.4,亿元,"http://bwm8.com/szsrmzf/sxq/202301/3580b7fe755b4bc2acf0553c616d443d.shtml (mirror of 常熟市2023年政府工作报告, reviewing 2022; 预计数)"
常熟市,2022,全社会固定资产投资(预计),fixed-asset investment (preliminary),715,亿元,"http://bwm8.com/szsrmzf/sxq/202301/3580b7fe755b4bc2acf0553c616d443d.shtml (mirror of 常熟市2023年政府工作报告, reviewing 2022; 预计数)"
常熟市,2022,地区生产总值(预计),GDP (preliminary),2780,亿元,"http://bwm8.com/szsrmzf/sxq/202301/3580b7fe755b4bc2acf0553c616d443d.shtml (mirror of 常熟市2023年政府工作报告, reviewing 2022; 预计数)"
常熟市,2022,社会消费品零售总额(预计),total retail sales of consumer goods (preliminary),1188,亿元,"http://bwm8.com/szsrmzf/sxq/202301/3580b7fe755b4bc2acf0553c616d443d.shtml (mirror of 常熟市2023年政府工作报告, reviewing 2022; 预计数)"
常熟市,2022,进出口总额(预计),total imports and exports (preliminary),238,亿美元,"http://bwm8.com/szsrmzf/sxq/202301/3580b7fe755b4bc2acf0553c616d443d.shtml (mirror of 常熟市2023年政府工作报告, reviewing 2022; 预计数)"
常熟市,2023,一般公共预算收入(预计),general public budget revenue (preliminary),237.4,亿元,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,全社会固定资产投资(预计),fixed-asset investment (preliminary),625,亿元,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,地区生产总值(预计),GDP (preliminary),2870,亿元,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,地区生产总值增速(预计),GDP real growth (preliminary),4,%,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,战略性新兴产业产值占规上工业比重,strategic emerging industries share of above-scale industrial output,51,%,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,社会消费品零售总额(预计),total retail sales of consumer goods (preliminary),1290,亿元,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,规上工业总产值,gross output of industry above designated size,4732,亿元,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,进出口总额(预计),total imports and exports (preliminary),1508,亿元,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2023,高新技术产业产值占规上工业比重,high-tech industry share of above-scale industrial output,45,%,"http://nextlevelartsconsulting.com/bhuadong/9684.html (mirror of 常熟市2024年政府工作报告, reviewing 2023; 预计数); also http://m.ilynn.cn/document_detail/120006.html"
常熟市,2024,一般公共预算收入(预计),general public budget revenue (preliminary),238.6,亿元,"http://www.tiehuamiye.com/zgcs/c100379/202501/b83932acb35e429f870a32e1a3ec12aa.shtml (mirror of 常熟市2025年政府工作报告, reviewing 2024)"
常熟市,2024,研发经费占GDP比重,R&D spending as share of GDP,4.18,%,"http://www.tiehuamiye.com/zgcs/c100379/202501/b83932acb35e429f870a32e1a3ec12aa.shtml (mirror of 常熟市2025年政府工作报告, reviewing 2024)"
太仓市,2018,一般公共预算收入(预计),general public budget revenue (preliminary),155,亿元,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2018,全社会固定资产投资,fixed-asset investment,367,亿元,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2018,地区生产总值(预计),GDP (preliminary),1330,亿元,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2018,地区生产总值增速(预计),GDP real growth (preliminary),7,%,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2018,新兴产业产值占比,emerging industries share of above-scale industrial output,55.5,%,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2018,规上工业产值,gross output of industry above designated size,2270,亿元,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2018,高新产业产值占比,high-tech industry share of above-scale industrial output,47.7,%,"https://www.xiegongwen.com/72536.html (太仓市2019年政府工作报告 full text, reviewing 2018; 预计数)"
太仓市,2019,一般公共预算收入(预计),general public budget revenue (preliminary),163,亿元,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,全社会固定资产投资,fixed-asset investment,400,亿元,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,地区生产总值(预计),GDP (preliminary),1410,亿元,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,地区生产总值增速(预计),GDP real growth (preliminary),6,%,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,新兴产业产值占比,emerging industries share of above-scale industrial output,56.3,%,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,服务业增加值,services value added,657,亿元,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,服务业增加值占GDP比重,services share of GDP,46.6,%,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,社会消费品零售总额,total retail sales of consumer goods,365.5,亿元,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,规上工业产值,gross output of industry above designated size,2360,亿元,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2019,高新产业产值占比,high-tech industry share of above-scale industrial output,48,%,"https://xiegongwen.com/71102.html (2020年太仓市政府工作报告 full text, reviewing 2019; 预计数)"
太仓市,2020,全国文明城市称号(2020名单:第六届新入选),"National Civilised City title held per 2020 list (new, 6th batch)",1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
太仓市,2020,地区生产总值,GDP,1386.09,亿元,"https://www.sanwenwang.com/ba/nbsmlfqf.html (江苏省经济十强县, citing 江苏统计年鉴2021)"
太仓市,2020,地区生产总值增速,GDP growth as listed,3.9,%,https://m.phsb.com/html/681/680056.html (2020年苏州市各区GDP排行榜)
太仓市,2022,人均地区生产总值,GDP per capita,19.65,万元,http://m.5121177.com/taicang/tjgb/202303/78bc03eaece34e5d9f696ea7dfdbf4f7.shtml (mirror of 2022年太仓市国民经济和社会发展统计公报)
太仓市,2022,地区生产总值,GDP,1653.57,亿元,http://m.5121177.com/taicang/tjgb/202303/78bc03eaece34e5d9f696ea7dfdbf4f7.shtml (mirror of 2022年太仓市国民经济和社会发展统计公报)
太仓市,2022,地区生产总值增速,GDP real growth,2.2,%,http://m.5121177.com/taicang/tjgb/202303/78bc03eaece34e5d9f696ea7dfdbf4f7.shtml (mirror of 2022年太仓市国民经济和社会发展统计公报)
太仓市,2024,一般公共预算收入(预计),general public budget revenue (preliminary),191.68,亿元,"http://bx2200.com/baogao/huadong/12080.html (太仓市人民政府工作报告 2025-01-07, reviewing 2024; 预计数)"
宜兴市,2014,地区生产总值,GDP,1233.89,亿元,"http://hkcd.com/content_p/2015-04/29/content_22510.html (香港商报 2015-04-29, 宜兴2014年经济社会发展新闻发布会)"
宜兴市,2016,地区生产总值,GDP,1377.74,亿元,http://fan166ze.cn/doc/2017/09/21/514642.shtml (mirror of 2016年宜兴市国民经济和社会发展统计公报)
宜兴市,2017,全国文明城市(第五届新入选),"National Civilised City title newly awarded (5th batch, 2017)",1,flag,http://198.12.123.165:9000/RelationshipsPeople/16442306.html (article on 第五届全国文明城市名单 2017)
宜兴市,2020,一般公共预算收入,general public budget revenue,127.6,亿元,"https://scholarmate.com/S/rfLOU7 (article on Yixing, 基本情况 section)"
宜兴市,2020,一般公共预算收入增速,general public budget revenue growth,3,%,"https://www.wuxingwenku.com/127110.html (2021年宜兴市政府工作报告 full text, reviewing 2020; 预计数)"
宜兴市,2020,人均地区生产总值,GDP per capita,14.6,万元,"https://scholarmate.com/S/rfLOU7 (article on Yixing, 基本情况 section)"
宜兴市,2020,全国文明城市称号(2020名单:复查保留),National Civilised City title held per 2020 list (retained on review),1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
宜兴市,2020,农村居民人均可支配收入增速,rural per-capita disposable income growth,5.2,%,"https://www.wuxingwenku.com/127110.html (2021年宜兴市政府工作报告 full text, reviewing 2020; 预计数)"
宜兴市,2020,地区生产总值,GDP,1832.2,亿元,"https://scholarmate.com/S/rfLOU7 (article on Yixing, 基本情况 section)"
宜兴市,2020,地区生产总值(政府工作报告预计),GDP (government work report preliminary estimate),1846,亿元,"https://www.wuxingwenku.com/127110.html (2021年宜兴市政府工作报告 full text, reviewing 2020; 预计数)"
宜兴市,2020,地区生产总值增速(预计),GDP real growth (preliminary),4.2,%,"https://www.wuxingwenku.com/127110.html (2021年宜兴市政府工作报告 full text, reviewing 2020; 预计数)"
宜兴市,2020,城市化率,urbanisation rate,66,%,"https://scholarmate.com/S/rfLOU7 (article on Yixing, 基本情况 section)"
宜兴市,2020,城镇居民人均可支配收入增速,urban per-capita disposable income growth,4.3,%,"https://www.wuxingwenku.com/127110.html (2021年宜兴市政府工作报告 full text, reviewing 2020; 预计数)"
宜兴市,2020,居民人均可支配收入,per-capita disposable income (all residents),5.1,万元,"https://scholarmate.com/S/rfLOU7 (article on Yixing, 基本情况 section)"
宜兴市,2020,规上工业产值,gross output of industry above designated size,3479.4,亿元,"https://scholarmate.com/S/rfLOU7 (article on Yixing, 基本情况 section)"
宜兴市,2021,人均地区生产总值,GDP per capita,16.18,万元,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
宜兴市,2021,地区生产总值,GDP,2082.17,亿元,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
宜兴市,2021,地区生产总值增速,GDP real growth,8.8,%,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
宜兴市,2021,城镇新增就业人员,new urban jobs,1.59,万人,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
宜兴市,2021,城镇登记失业率,registered urban unemployment rate,2.5,%,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
宜兴市,2021,第三产业增加值,tertiary industry value added,941.54,亿元,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
宜兴市,2021,第二产业增加值,secondary industry value added,1086.11,亿元,http://bx2200.com/tjgongbao/huadong/2022-05-13/386.html (2021年宜兴市国民经济和社会发展统计公报)
丹阳市,2017,全国文明城市(第五届新入选),"National Civilised City title newly awarded (5th batch, 2017)",1,flag,http://198.12.123.165:9000/RelationshipsPeople/16442306.html (article on 第五届全国文明城市名单 2017)
丹阳市,2020,1-9月地区生产总值,"GDP, Jan-Sep only",831.9,亿元,http://www.dy001.cn/2020/1114/64905.shtml (丹阳日报 2020-11-14)
丹阳市,2020,全国文明城市称号(2020名单:复查保留),National Civilised City title held per 2020 list (retained on review),1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
丹阳市,2021,1-4月PM2.5平均浓度,"PM2.5 mean, Jan-Apr only",42,微克/立方米,"http://m.dieyuxuan.com/2021/0515/1628331.shtml (金山网 2021-05-15, 镇江市污防指办通报 1-4月)"
丹阳市,2021,1-4月空气质量优良天数比率,"good-air-day share, Jan-Apr only",85.8,%,"http://m.dieyuxuan.com/2021/0515/1628331.shtml (金山网 2021-05-15, 镇江市污防指办通报 1-4月)"
丹阳市,2022,地区生产总值,GDP,1407.88,亿元,"http://86917.com/baoji/49664.html (镇江各区市2022年GDP, citing 镇江市统计局)"
句容市,2020,全国文明城市称号(2020名单:第六届新入选),"National Civilised City title held per 2020 list (new, 6th batch)",1,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
句容市,2021,1-4月PM2.5平均浓度,"PM2.5 mean, Jan-Apr only",46,微克/立方米,"http://m.dieyuxuan.com/2021/0515/1628331.shtml (金山网 2021-05-15, 镇江市污防指办通报 1-4月)"
句容市,2021,1-4月空气质量优良天数比率,"good-air-day share, Jan-Apr only",80.8,%,"http://m.dieyuxuan.com/2021/0515/1628331.shtml (金山网 2021-05-15, 镇江市污防指办通报 1-4月)"
句容市,2022,地区生产总值,GDP,754.62,亿元,"http://86917.com/baoji/49664.html (镇江各区市2022年GDP, citing 镇江市统计局)"
扬中市,2020,全国文明城市称号(2020名单),National Civilised City title per 2020 list (not among the 16 Jiangsu county-level entries listed),0,flag,http://jjcsj.apcreports.org.cn/jjcsj/news/8525.html (人民网 2020-11-10 江苏全国文明城市名单)
扬中市,2021,1-4月PM2.5平均浓度,"PM2.5 mean, Jan-Apr only",41,微克/立方米,"http://m.dieyuxuan.com/2021/0515/1628331.shtml (金山网 2021-05-15, 镇江市污防指办通报 1-4月)"
扬中市,2021,1-4月空气质量优良天数比率,"good-air-day share, Jan-Apr only",87.5,%,"http://m.dieyuxuan.com/2021/0515/1628331.shtml (金山网 2021-05-15, 镇江市污防指办通报 1-4月)"
扬中市,2022,人均地区生产总值,GDP per capita,18.54,万元,"http://86917.com/baoji/49664.html (镇江各区市2022年GDP, citing 镇江市统计局)"
扬中市,2022,地区生产总值,GDP,585.99,亿元,"http://86917.com/baoji/49664.html (镇江各区市2022年GDP, citing 镇江市统计局)"
常州市,2020,一般公共预算收入,general public budget revenue,616.6,亿元,http://willowgroveairshows.com/baike/2734182.html (常州 encyclopedia page)
常州市,2020,全体居民人均可支配收入,per-capita disposable income (all residents),52080,元,http://willowgroveairshows.com/baike/2734182.html (常州 encyclopedia page)
常州市,2020,农村居民人均可支配收入,rural per-capita disposable income,32364,元,http://willowgroveairshows.com/baike/2734182.html (常州 encyclopedia page)
常州市,2020,动力锂电池已建和在建产能(超),built + under-construction power Li-ion battery capacity (reported as 'over'),90,GWh,http://www.changzhou.gov.cn/ns_news/186161118987387 (常州市政府 2021-01-21 省领导来常调研动力电池产业)
常州市,2020,动力锂电池电芯及配套生产企业(余),power battery cell & supporting manufacturers (reported as '40-odd'),40,家,http://www.changzhou.gov.cn/ns_news/186161118987387 (常州市政府 2021-01-21 省领导来常调研动力电池产业)
常州市,2020,地区生产总值,GDP,7805.3,亿元,http://s.www.hbzqbyyxgs.com/news/514131.html (2020年常州各区GDP排行)
常州市,2020,城镇居民人均可支配收入,urban per-capita disposable income,60529,元,http://willowgroveairshows.com/baike/2734182.html (常州 encyclopedia page)
常州市,2020,新能源汽车及汽车核心零部件产业产值,output of NEV & core auto-parts industry,832,亿元,http://www.changzhou.gov.cn/ns_news/186161118987387 (常州市政府 2021-01-21 省领导来常调研动力电池产业)
常州市,2021,R&D经费投入,R&D expenditure,290.4,亿元,"http://hegsty.fun/dn/jujiao/393881.html (2021年江苏R&D经费投入, citing 江苏省统计局)"
常州市,2021,地区生产总值,GDP,8807.58,亿元,http://willowgroveairshows.com/baike/2734182.html (常州 encyclopedia page)
常州市,2021,高技术制造业增长,high-tech manufacturing growth,20.4,%,http://yuqing.jschina.com.cn/sn/202202/t20220221_2950621.shtml (新华日报/交汇点 2022-02-21 '常州新能源产业加速跑起来')
常州市,2022,1-6月规上动力电池产业产值,"above-scale power-battery industry output, Jan-Jun only",566.9,亿元,http://cbcu.com.cn/wenshuo/zc/2022072839666.html (财经网 2022-07-28)
常州市,2022,1-6月规上动力电池产业产值增速,"growth of that output, Jan-Jun",91.8,%,http://cbcu.com.cn/wenshuo/zc/2022072839666.html (财经网 2022-07-28)
常州市,2022,地区生产总值,GDP,9550,亿元,http://willowgroveairshows.com/baike/2734182.html (常州 encyclopedia page)
常州市,2023,动力电池产业链完整度,power-battery industry-chain completeness,97,%,https://shanyouwang.com/6200veyw.shtml (reprint of 中新网 2024-06-07 江苏常州新能源产业发布会)
常州市,2023,新能源产业产值,new-energy industry output,7680,亿元,https://shanyouwang.com/6200veyw.shtml (reprint of 中新网 2024-06-07 江苏常州新能源产业发布会)
武进区,2020,地区生产总值,GDP,2607.21,亿元,http://s.www.hbzqbyyxgs.com/news/514131.html (2020年常州各区GDP排行)
江苏省,2020,PM2.5年均浓度,PM2.5 annual mean,38,微克/立方米,"http://m.cxm1cxm.com/guonei/20210520/2017378.html (扬子晚报 2021-05-20, 2020年江苏省生态环境状况公报)"
江苏省,2020,国考断面水质优于III类比例,share of national-assessment water sections at Class III or better,87.5,%,"http://m.cxm1cxm.com/guonei/20210520/2017378.html (扬子晚报 2021-05-20, 2020年江苏省生态环境状况公报)"
江苏省,2020,环境空气优良天数比率,good-air-day share,81.0,%,"http://m.cxm1cxm.com/guonei/20210520/2017378.html (扬子晚报 2021-05-20, 2020年江苏省生态环境状况公报)"
江苏省,2020,省考断面水质优于III类比例,share of provincial-assessment water sections at Class III or better,91.5,%,"http://m.cxm1cxm.com/guonei/20210520/2017378.html (扬子晚报 2021-05-20, 2020年江苏省生态环境状况公报)"
江苏省,2021,R&D经费投入强度,R&D intensity (R&D/GDP),2.95,%,"http://hegsty.fun/dn/jujiao/393881.html (2021年江苏R&D经费投入, citing 江苏省统计局)"
"""  # noqa: E501
