/* report.js: filters and sorting for report.h's page (embedded at build
 * time).  The page is complete without it.  The view lives in the
 * address's #fragment (#v=broken&h=example.org&s=-3: the filters, and
 * the column sorted by, minus for descending), so it can be shared.
 * Only text and attribute values are ever set: nothing is parsed as HTML. */
(function () {
	"use strict";
	var table = document.getElementById("rows");
	var bar = document.getElementById("filters");
	if (!table || !bar) {
		return;
	}
	var each = function (list, fn) {
		Array.prototype.forEach.call(list, fn);
	};
	var rows = Array.prototype.slice.call(
		table.querySelectorAll("tbody tr[data-v]"));
	var sels = Array.prototype.slice.call(bar.querySelectorAll("select"));
	var shown = document.getElementById("shown");
	var sorted = "";
	var value = function (tr, k) {
		return k === "f" ? tr.parentNode.getAttribute("data-f") :
			tr.getAttribute("data-" + k);
	};
	var apply = function () {
		var want = [], state = [], n = 0;
		sels.forEach(function (s) {
			var k = s.getAttribute("data-k");
			if (s.value !== "") {
				want.push([k, s.value]);
				state.push(k + "=" + encodeURIComponent(s.value));
			}
		});
		if (sorted !== "") {
			state.push("s=" + sorted);
		}
		rows.forEach(function (tr) {
			var ok = want.every(function (w) {
				return value(tr, w[0]) === w[1];
			});
			tr.hidden = !ok;
			n += ok ? 1 : 0;
		});
		each(table.tBodies, function (tb) {
			tb.hidden = tb.querySelector("tr[data-v]:not([hidden])") ===
				null;
		});
		shown.textContent = n + " of " + rows.length + " shown";
		try {
			history.replaceState(null, "", state.length > 0 ?
				"#" + state.join("&") :
				location.pathname + location.search);
		} catch (e) {
			/* A page opened where history cannot change: fine. */
		}
	};
	sels.forEach(function (s) {
		var k = s.getAttribute("data-k"), seen = {}, vals = [];
		rows.forEach(function (tr) {
			var v = value(tr, k);
			if (v !== null && v !== "" && !seen.hasOwnProperty(v)) {
				seen[v] = true;
				vals.push(v);
			}
		});
		vals.sort().forEach(function (v) {
			var o = document.createElement("option");
			o.value = v;
			o.textContent = v;
			s.appendChild(o);
		});
		s.parentNode.hidden = vals.length < 2;
		s.addEventListener("change", apply);
	});
	var key = function (tr, col) {
		var td = tr.cells[col];
		if (!td) {
			return "";
		}
		var k = td.getAttribute("data-k");
		return k !== null ? k : td.textContent;
	};
	var sort = function (col, th) {
		var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
		each(th.parentNode.cells, function (c) {
			c.removeAttribute("aria-sort");
		});
		th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
		sorted = (dir > 0 ? "" : "-") + col;
		each(table.tBodies, function (tb) {
			var rs = Array.prototype.slice.call(
				tb.querySelectorAll("tr[data-v]"));
			rs.sort(function (a, b) {
				var x = key(a, col), y = key(b, col);
				var nx = parseFloat(x), ny = parseFloat(y);
				var c = !isNaN(nx) && !isNaN(ny) && nx !== ny ?
					nx - ny : x.localeCompare(y);
				return c * dir;
			});
			rs.forEach(function (r) {
				tb.appendChild(r);
			});
		});
	};
	var heads = table.tHead.rows[0].cells;
	each(heads, function (th, col) {
		var b = document.createElement("button");
		b.type = "button";
		b.textContent = th.textContent;
		th.textContent = "";
		th.appendChild(b);
		b.addEventListener("click", function () {
			sort(col, th);
			apply();
		});
	});
	location.hash.slice(1).split("&").forEach(function (p) {
		var i = p.indexOf("="), k = p.slice(0, i), v;
		if (i < 1) {
			return;
		}
		try {
			v = decodeURIComponent(p.slice(i + 1));
		} catch (e) {
			return;
		}
		sels.forEach(function (s) {
			if (s.getAttribute("data-k") === k) {
				s.value = v;
			}
		});
		if (k === "s" && /^-?[0-9]+$/.test(v) &&
				heads[Math.abs(parseInt(v, 10))]) {
			var th = heads[Math.abs(parseInt(v, 10))];
			if (v.charAt(0) === "-") {
				th.setAttribute("aria-sort", "ascending");
			}
			sort(Math.abs(parseInt(v, 10)), th);
		}
	});
	bar.hidden = false;
	document.documentElement.setAttribute("data-js", "on");
	apply();
}());
