#!/usr/bin/python3
"""Writes a large, realistic manifest for the benchmarks.

usage: gen.py ROWS OUTDIR

OUTDIR/manifest.csv gets ROWS entries over three columns (two Traditional
Chinese, one English), with CJK titles, a few hundred bytes of HTML
content each (paragraphs, a link, sometimes an image), dates in every
accepted form, categories and some enclosures; OUTDIR/columns.csv names
the columns.  The output is the same for the same arguments (seeded).
"""
import csv
import datetime as dt
import os
import random
import sys

WORDS_ZH = ("開源 模型 人工智能 演算法 資料 社會 觀察 科技 教育 創新 政策 倫理 "
            "市場 競爭 研究 論文 大學 學生 未來 風險 機會 城市 文化 歷史 語言 "
            "翻譯 媒體 新聞 讀者 作者 專欄 評論 問題 答案 經驗 故事").split()
WORDS_EN = ("open model language data society review science market policy "
            "research future risk city culture history reader column answer "
            "story video companion explained").split()
COLUMNS = [
    ("tech-notes", "科技隨筆", "zh-Hant", "Asia/Hong_Kong"),
    ("borderless", "有情無國界", "zh-Hant", "Asia/Taipei"),
    ("video-companion", "Video Companion", "en", "America/Los_Angeles"),
]
MON = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAY = "Mon Tue Wed Thu Fri Sat Sun".split()


def date_text(r, when, i):
    form = i % 4
    if form == 0:
        return when.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    if form == 1:
        return when.strftime("%Y-%m-%d")
    if form == 2:
        return "%s, %02d %s %d %02d:%02d:00 +0800" % (
            DAY[when.weekday()], when.day, MON[when.month - 1], when.year,
            when.hour, when.minute)
    return "%d年%d月%d日" % (when.year, when.month, when.day)


def main():
    rows, outdir = int(sys.argv[1]), sys.argv[2]
    r = random.Random(20250128)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "columns.csv"), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["column", "title", "link", "description", "language",
                    "timezone", "base_url", "limit"])
        for slug, title, lang, tz in COLUMNS:
            w.writerow([slug, title, "https://column.example.org/%s/" % slug,
                        title + " — weekly", lang, tz,
                        "https://feeds.example.org/%s/" % slug, 100])
    start = dt.datetime(2000, 1, 3, 8, 0)
    # Spread the rows over 2000-2025, whatever their number.
    step = max(1, 25 * 365 * 24 * 60 // max(rows, 1))
    with open(os.path.join(outdir, "manifest.csv"), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "column", "title", "link", "published", "author",
                    "language", "summary", "content", "categories",
                    "enclosure", "enclosure_type", "enclosure_length"])
        for i in range(rows):
            slug, _, lang, _ = COLUMNS[i % 3]
            when = start + dt.timedelta(minutes=step * i)
            zh = lang != "en"
            words = WORDS_ZH if zh else WORDS_EN
            sep = "" if zh else " "
            title = sep.join(r.choice(words) for _ in range(r.randint(3, 7)))
            link = "https://column.example.org/%s/%d/%d" % (slug, when.year, i)
            paras = []
            for _ in range(r.randint(2, 4)):
                paras.append("<p>" + sep.join(
                    r.choice(words) for _ in range(r.randint(12, 30)))
                    + "</p>")
            paras.insert(1, '<p>延伸閱讀：<a href="https://column.example.org/'
                         '%s/notes/%d">筆記</a></p>' % (slug, i % 1000))
            if i % 5 == 0:
                paras.append('<img src="/img/%d.png" alt="圖">' % (i % 500))
            enc = ("https://media.example.org/%d.mp3" % i, "audio/mpeg",
                   str(1000000 + i)) if i % 10 == 0 else ("", "", "")
            w.writerow(["e%07d" % i, slug, title, link,
                        date_text(r, when, i), "林文睿" if zh else "Lin Wenrui",
                        lang, title[:20], "".join(paras),
                        ";".join(r.sample(words, 2))] + list(enc))


if __name__ == "__main__":
    main()
