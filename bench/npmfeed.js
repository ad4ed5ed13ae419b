// The baseline users pick today: the npm "feed" package fed by a
// streaming CSV parser (csv-parse), writing RSS 2.0 and Atom 1.0 for
// each column, as syndic-build does (plus JSON Feed, which we add).
// usage: node npmfeed.js MANIFEST COLUMNS OUTDIR
"use strict";
const fs = require("fs");
const path = require("path");
const { parse } = require("csv-parse");
const { Feed } = require("feed");

const [manifest, columns, outdir] = process.argv.slice(2);
const cols = {};
for (const line of fs.readFileSync(columns, "utf8").split("\n").slice(1)) {
  const f = line.split(",");
  if (f.length > 1) cols[f[0]] = { title: f[1], link: f[2], limit: +f[7] };
}
const items = {};
fs.createReadStream(manifest)
  .pipe(parse({ columns: true, bom: true }))
  .on("data", (row) => {
    (items[row.column] = items[row.column] || []).push(row);
  })
  .on("end", () => {
    for (const [slug, rows] of Object.entries(items)) {
      const c = cols[slug] || { title: slug, link: "https://example.org/" };
      const parsed = rows.map((r) => ({ r, d: parseDate(r.published) }));
      parsed.sort((a, b) => b.d - a.d);
      const keep = c.limit ? parsed.slice(0, c.limit) : parsed;
      const feed = new Feed({
        title: c.title, id: c.link, link: c.link,
        updated: keep.length ? keep[0].d : new Date(0),
        generator: "npm feed",
      });
      for (const { r, d } of keep) {
        feed.addItem({
          title: r.title, id: r.id, link: r.link, date: d,
          description: r.summary, content: r.content,
          category: r.categories.split(";").map((name) => ({ name })),
          enclosure: r.enclosure ? { url: r.enclosure,
            type: r.enclosure_type, length: +r.enclosure_length } : undefined,
        });
      }
      const dir = path.join(outdir, slug);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "rss.xml"), feed.rss2());
      fs.writeFileSync(path.join(dir, "atom.xml"), feed.atom1());
    }
  });

function parseDate(s) {
  const m = /^(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(s);
  if (m) return new Date(Date.UTC(+m[1], m[2] - 1, +m[3]));
  return new Date(s);
}
