import CkptTestSupport
import Foundation
import Testing

/// `ckpt report` pages of the committed fixtures (Fixtures/report, Fixtures/diff) opened from disk in headless
/// chromium: they load with no console error and no request but their own file, draw something, and show the keys,
/// counts and changes that `inspect --stats --json`, `count --json` and `diff --json` give for the same files.
@Suite(.serialized) struct ReportBrowserTests {
    static let mixed = Fixtures.path("report/mixed.pt")
    static let pretrained = Fixtures.path("report/pretrained.safetensors")
    static let finetuned = Fixtures.path("report/finetuned.pt")

    @Test func checkpointPageShowsInspectAndCountFigures() throws {
        let s = try ReportPageSession([Self.mixed])
        defer { s.close() }
        try s.expectCleanLoad()
        let inspect = try ReportPageSession.json(["inspect", "--stats", "--json", Self.mixed])
        let count = try ReportPageSession.json(["count", "--json", Self.mixed])
        let tensors = try #require(inspect["tensors"] as? [[String: Any]])
        #expect(try s.strings("[...document.querySelectorAll('#tensor-table tbody tr.row')].map(r => r.dataset.key)")
                == tensors.compactMap { $0["key"] as? String })
        for (id, value) in [("total-parameters", count["parameters"]), ("total-buffers", count["buffers"]),
                            ("total-tensors", tensors.count), ("total-bytes", inspect["unique_bytes"])] {
            #expect(try s.js("document.getElementById('\(id)').dataset.value") as? String == "\(value ?? "?")", "\(id)")
        }
        // Each statistic cell carries the JSON number; the NaN/Inf flags stand on exactly the rows that have them.
        let cells = try #require(try s.js("""
            [...document.querySelectorAll('#tensor-table tbody tr.row')].map(r => [...r.querySelectorAll('td')].slice(6, 10)
              .map(td => td.firstChild.dataset.value))
            """) as? [[String]])
        let exact = try ReportPageSession.decode(ReportPageSession.Inspect.self, ["inspect", "--stats", "--json", Self.mixed])
        #expect(exact.tensors.count == cells.count)
        for (row, shown) in zip(exact.tensors, cells) {
            let expected = [row.stats?.min, row.stats?.max, row.stats?.mean, row.stats?.std]
            #expect(shown.map { Double($0) } == expected, "\(row.key)")
        }
        let flagged = tensors.filter { (($0["stats"] as? [String: Any])?["nan"] as? Int ?? 0) > 0 }.compactMap { $0["key"] as? String }
        #expect(try s.strings("[...document.querySelectorAll('tr.row:has(.flag-nan)')].map(r => r.dataset.key)") == flagged)
        #expect(flagged == ["encoder.bias", "dead"])
        #expect(try s.strings("[...document.querySelectorAll('tr.row:has(.flag-inf)')].map(r => r.dataset.key)") == ["encoder.bias"])
        // A histogram per tensor with finite values, as many bars' bins as numpy's rule gives.
        let golden = try #require(try Fixtures.json("report/golden.json")["mixed"] as? [String: [String: Any]])
        let bins = try #require(try s.js("Object.fromEntries([...document.querySelectorAll('tr.row')].map(r => [r.dataset.key, " +
                                         "r.querySelector('svg.hist') ? +r.querySelector('svg.hist').dataset.bins : 0]))") as? [String: Int])
        for (key, g) in golden { #expect(bins[key] == ((g["histogram"] as? [String: Any])?["counts"] as? [Int])?.count ?? 0, "\(key)") }
    }

    /// The README's picture of one checkpoint: the tiny transformer, by name from its folder.
    @Test func modelPageForTheReadme() throws {
        let s = try ReportPageSession(["pretrained.safetensors"], in: Fixtures.url("report"))
        defer { s.close() }
        try s.expectCleanLoad()
        let keys = try #require(try Fixtures.json("report/golden.json")["keys"] as? [String])
        #expect(Set(try s.strings("[...document.querySelectorAll('#tensor-table tr.row')].map(r => r.dataset.key)")) == Set(keys))
        #expect(Set(try s.strings("[...document.querySelectorAll('#treemap rect.leaf')].map(r => r.dataset.key)")) == Set(keys))
        #expect(try s.js("document.querySelectorAll('#tensor-table svg.hist').length") as? Int == keys.count)
        #expect(try s.js("document.title") as? String == "ckpt report: pretrained.safetensors")
        try s.expectScreenshot(saveAs: "report.png", height: 1000)
    }

    @Test func treemapAreasAreElementsAndHoverShowsTheTensor() throws {
        let s = try ReportPageSession([Self.mixed])
        defer { s.close() }
        // Parameters only (buffers by count's rule are left out), tied storage once, empty tensors not drawn.
        let leaves = try s.strings("[...document.querySelectorAll('#treemap rect.leaf')].map(r => r.dataset.key)")
        #expect(Set(leaves) == ["encoder.weight", "encoder.bias", "norm.weight", "proj.weight", "proj.scale", "dead"])
        let perElement = try #require(try s.js("""
            [...document.querySelectorAll('#treemap rect.leaf')].map(r => r.width.baseVal.value * r.height.baseVal.value / +r.dataset.numel)
            """) as? [Double])
        let first = try #require(perElement.first)
        for a in perElement { #expect(abs(a - first) <= 1e-6 * first, "area per element \(a) vs \(first)") }
        let tip = try s.js("""
            (() => { const r = document.querySelector('#treemap rect.leaf[data-key="encoder.weight"]'), b = r.getBoundingClientRect();
              r.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: b.x + 5, clientY: b.y + 5}));
              const t = document.getElementById('tip'); return t.hidden ? '' : t.innerText; })()
            """) as? String
        #expect(tip == "encoder.weight\nfloat32 [24, 16]\n384 elements, 1.50 KiB")
        // A tap (click) shows it too; a tap elsewhere hides it.
        let tapped = try s.js("""
            (() => { const r = document.querySelector('#treemap rect.leaf[data-key="proj.weight"]'), b = r.getBoundingClientRect();
              r.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: b.x + 5, clientY: b.y + 5}));
              const shown = document.getElementById('tip').innerText;
              document.querySelector('h1').dispatchEvent(new MouseEvent('click', {bubbles: true}));
              return [shown, document.getElementById('tip').hidden]; })()
            """) as? [Any]
        #expect(tapped?.first as? String == "proj.weight\nfloat16 [8, 24]\n192 elements, 384 B")
        #expect(tapped?.last as? Bool == true)
    }

    @Test func tableSortsFiltersAndOpensHistograms() throws {
        let s = try ReportPageSession([Self.mixed])
        defer { s.close() }
        let keys = "[...document.querySelectorAll('#tensor-table tbody tr.row')].map(r => r.dataset.key)"
        func filter(_ text: String) throws -> [String] {
            _ = try s.js("(() => { const i = document.getElementById('tensor-table-filter'); i.value = \(try quoted(text)); i.dispatchEvent(new Event('input')); })()")
            return try s.strings(keys)
        }
        #expect(try filter("norm.*") == ["norm.weight", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"])
        #expect(try s.js("document.getElementById('tensor-table-count').textContent") as? String == "4 of 13 tensors")
        #expect(try filter("WEIGHT") == ["encoder.weight", "decoder.weight", "norm.weight", "proj.weight"])
        #expect(try filter("*.running_[mv]*") == ["norm.running_mean", "norm.running_var"])
        #expect(try filter("") .count == 13)
        // numel, largest first (ties in file order); again for smallest first; a third time back to file order.
        let numel = "[...document.querySelectorAll('#tensor-table th')].find(h => h.textContent === 'numel').click()"
        _ = try s.js(numel)
        #expect(try s.strings(keys).prefix(3) == ["encoder.weight", "decoder.weight", "proj.weight"])
        _ = try s.js(numel)
        #expect(try s.strings(keys).prefix(2) == ["empty", "norm.num_batches_tracked"])
        _ = try s.js(numel)
        #expect(try s.strings(keys).first == "encoder.weight" && s.strings(keys).last == "ids")
        // A row opens its histogram: bins with their edges and counts, NaN and Inf flagged beside it.
        let detail = try s.js("""
            (() => { document.querySelector('tr.row[data-key="encoder.bias"]').click();
              const d = document.querySelector('tr.row[data-key="encoder.bias"]').nextElementSibling;
              return [d.className, d.querySelectorAll('svg.hist-large rect.hist-bin').length, [...d.querySelectorAll('.flag')].map(f => f.textContent)]; })()
            """) as? [Any]
        #expect(detail?[0] as? String == "detail")
        #expect(detail?[1] as? Int == 34)
        #expect(detail?[2] as? [String] == ["NaN ×1", "Inf ×2"])
    }

    @Test func darkModeFollowsTheSystem() throws {
        let light = try ReportPageSession([Self.mixed])
        defer { light.close() }
        let dark = try ReportPageSession([Self.mixed], dark: true)
        defer { dark.close() }
        try dark.expectCleanLoad()
        let background = "getComputedStyle(document.body).backgroundColor"
        #expect(try light.js(background) as? String == "rgb(255, 255, 255)")
        #expect(try dark.js(background) as? String == "rgb(13, 17, 23)")
        let l = try light.expectScreenshot(height: 600)
        let d = try dark.expectScreenshot(height: 600)
        #expect(d.meanLuminance < 80 && l.meanLuminance > 170, "luminance dark \(d.meanLuminance), light \(l.meanLuminance)")
    }

    @Test func fineTunedPairHighlightsExactlyTheChangedTensors() throws {
        let s = try ReportPageSession(["pretrained.safetensors", "finetuned.pt"], in: Fixtures.url("report"))
        defer { s.close() }
        try s.expectCleanLoad()
        let diff = try ReportPageSession.json(["diff", "--json", Self.pretrained, Self.finetuned])
        let changed = try #require(diff["changed"] as? [[String: Any]]).compactMap { $0["key"] as? String }
        let golden = try Fixtures.json("report/golden.json")
        #expect(Set(changed) == Set(try #require(golden["changed"] as? [String])))
        #expect(try s.strings("[...document.querySelectorAll('#tensor-table tr.changed')].map(r => r.dataset.key)") == changed)
        #expect(Set(try s.strings("[...document.querySelectorAll('#treemap rect.leaf[data-status=changed]')].map(r => r.dataset.key)")) == Set(changed))
        #expect(try s.js("document.querySelectorAll('#treemap rect.leaf:not([data-status=changed])').length") as? Int == 25)
        // Per layer, in model order: exactly the layers fine-tuning moved stand up.
        let layers = try #require(golden["layers"] as? [[String: Any]])
        #expect(try s.strings("[...document.querySelectorAll('#layer-chart rect.bar')].map(b => b.dataset.path)")
                == layers.compactMap { $0["path"] as? String })
        let moved = layers.filter { ($0["rel_l2"] as? Double ?? 0) > 0 }.compactMap { $0["path"] as? String }
        #expect(try s.strings("[...document.querySelectorAll('#layer-chart rect.bar.changed')].map(b => b.dataset.path)") == moved)
        #expect(moved.first == "layers.2.norm1" && moved.last == "head" && moved.count == 18)
        #expect(try s.js("document.getElementById('count-changed').dataset.value") as? String == "\(changed.count)")
        #expect(try s.js("document.getElementById('count-unchanged').dataset.value") as? String == "\(diff["unchanged"] ?? "")")
        #expect(try s.js("document.getElementById('verdict').textContent") as? String == "different: 28 changed, 25 unchanged")
        // The numbers in the table are diff --json's.
        let shown = try #require(try s.js("""
            Object.fromEntries([...document.querySelectorAll('#tensor-table tr.changed')].map(r =>
              [r.dataset.key, [...r.querySelectorAll('[data-value]')].map(v => v.dataset.value)]))
            """) as? [String: [String]])
        let exact = try ReportPageSession.decode(ReportPageSession.Diff.self, ["diff", "--json", Self.pretrained, Self.finetuned])
        #expect(exact.changed.count == 28)
        for c in exact.changed {
            #expect(shown[c.key]?.map { Double($0) } == [c.max_abs_diff, c.mean_abs_diff, Double(c.mismatched), c.rel_l2], "\(c.key)")
        }
        // A |Δ| map per changed matrix, drawn; its detail opens with the grid's figure.
        #expect(try s.strings("[...document.querySelectorAll('#tensor-table canvas.heat')].map(c => c.dataset.key)")
                == changed.filter { !$0.hasSuffix("bias") && !$0.contains("norm") })
        let figure = try s.js("""
            (() => { document.querySelector('tr.row[data-key="layers.3.mlp.up.weight"]').click();
              return document.querySelector('tr.row[data-key="layers.3.mlp.up.weight"]').nextElementSibling.querySelector('figcaption').textContent; })()
            """) as? String
        #expect(figure == "max |Δ| per cell of a 64×16 grid over [96, 16]")
        try s.expectScreenshot(saveAs: "diff.png", height: 1000)
    }

    @Test func structuralDifferencesAndTheDiagnosisAreListed() throws {
        let base = Fixtures.path("diff/base.pt")
        let reshaped = try ReportPageSession([base, Fixtures.path("diff/reshaped_cast.pt")])
        defer { reshaped.close() }
        try reshaped.expectCleanLoad()
        #expect(try reshaped.strings("[...document.querySelectorAll('#shape-mismatch tr[data-key]')].map(r => [...r.cells].map(c => c.textContent).join('|'))")
                == ["fc.weight|float32 [12, 16]|float32 [16, 12]"])
        #expect(try reshaped.strings("[...document.querySelectorAll('#dtype-mismatch tr[data-key]')].map(r => r.dataset.key)") == ["layers.1.weight"])
        #expect(try reshaped.strings("[...document.querySelectorAll('#layer-chart rect.bar.changed')].map(b => b.dataset.path)") == ["fc", "layers.1"])

        let prefixed = try ReportPageSession([base, Fixtures.path("diff/module.pt")])
        defer { prefixed.close() }
        try prefixed.expectCleanLoad()
        let diff = try ReportPageSession.json(["diff", "--json", base, Fixtures.path("diff/module.pt")])
        let diagnosis = try #require(diff["diagnosis"] as? [String])
        #expect(!diagnosis.isEmpty)
        #expect(try prefixed.strings("[...document.querySelectorAll('#diagnosis li')].map(l => l.textContent)") == diagnosis.map { "diagnosis: " + $0 })
        let listed = "[...document.querySelectorAll('#only-in-X li')].reduce((n, li) => n + +li.dataset.keys, 0)"
        #expect(try prefixed.js(listed.replacingOccurrences(of: "X", with: "a")) as? Int == (diff["only_in_a"] as? [String])?.count)
        #expect(try prefixed.js(listed.replacingOccurrences(of: "X", with: "b")) as? Int == 17)
    }

    @Test func keysAreShownAsTextWhateverTheyHold() throws {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let hostile = "</script><img src=x onerror=\"document.title='pwned'\">&amp;\u{2028}.weight"
        let file = folder.appendingPathComponent("hostile.safetensors")
        try Self.safetensors(key: hostile, values: [1, 2, 3, 4]).write(to: file)
        let s = try ReportPageSession([file.path])
        defer { s.close() }
        try s.expectCleanLoad()
        #expect(try s.strings("[...document.querySelectorAll('tr.row')].map(r => r.dataset.key)") == [hostile])
        #expect(try s.js("document.querySelectorAll('img').length") as? Int == 0)
        #expect(try s.js("document.title") as? String == "ckpt report: " + file.path)
    }

    /// `s` as a JavaScript string literal.
    private func quoted(_ s: String) throws -> String {
        String(String(decoding: try JSONSerialization.data(withJSONObject: [s]), as: UTF8.self).dropFirst().dropLast())
    }

    /// A safetensors file of one float32 vector named `key`.
    static func safetensors(key: String, values: [Float]) throws -> Data {
        var header = try JSONSerialization.data(withJSONObject: [key: ["dtype": "F32", "shape": [values.count],
                                                                        "data_offsets": [0, 4 * values.count]]])
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(header)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }
}
