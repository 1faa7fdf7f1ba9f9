import Foundation
import TaizhangTestSupport
import Testing
import TaizhangCore
import TaizhangForms

@Suite struct FormSetTests {
    static let files = BuiltinForms.files

    /// The built-in files with one file's JSON changed by `edit`.
    static func load(editing name: String, _ edit: (inout [String: Any]) -> Void) -> FormSetError? {
        var files = Self.files
        let i = files.firstIndex { $0.name == name }!
        var object = try! JSONSerialization.jsonObject(with: files[i].contents) as! [String: Any]
        edit(&object)
        files[i].contents = try! JSONSerialization.data(withJSONObject: object)
        do {
            _ = try FormSet.load(files)
            return nil
        } catch {
            return error
        }
    }

    static func column(_ object: inout [String: Any], _ index: Int, _ edit: (inout [String: Any]) -> Void) {
        var tables = object["tables"] as! [[String: Any]]
        var columns = tables[0]["columns"] as! [[String: Any]]
        edit(&columns[index])
        tables[0]["columns"] = columns
        object["tables"] = tables
    }

    @Test func theBuiltInSetHasTheFourFormsAndFifteenUnits() throws {
        let set = try BuiltinForms.load()
        #expect(set.forms.map(\.title) == ["行政执法突出问题自查台账", "行政执法突出问题整改工作台账",
                                           "行政执法突出问题专项整治工作进展台账", "大力整治行政执法突出问题工作总结"])
        #expect(set.units.count == 15)
        #expect(set.units.filter { $0.kind == "city" }.count == 14)
        #expect(set.units.filter { $0.kind == "division" }.isEmpty, "division names are never invented")
        let rect = try #require(set.form("rectification"))
        #expect(rect.tables[0].columns.map(\.label).prefix(8) == ["序号", "问题编号", "问题描述", "整改措施", "责任单位",
                                                                    "责任人", "整改时限", "整改状态"])
        #expect(set.list("rectification-status")?.values(tagged: "done") == ["已整改"])
    }

    @Test func theCalendarFollowsThePlan() throws {
        let campaign = try BuiltinForms.load().campaign
        #expect(campaign.deadlines(form: "summary", unitKind: "city").map(\.due.iso) == ["2024-09-20"])
        #expect(campaign.deadlines(form: "summary", unitKind: "division").isEmpty)
        #expect(campaign.deadlines(form: "progress", unitKind: "division").map(\.due.iso)
            == ["2024-05-24", "2024-06-24", "2024-07-24", "2024-08-24", "2024-09-24"])
        #expect(campaign.deadlines(form: "self-check", unitKind: "city").first?.due.iso == "2024-05-31")
        let owed = campaign.owed(unitKind: "city", period: YearMonth(year: 2024, month: 9)!).map(\.form)
        #expect(Set(owed) == ["self-check", "rectification", "progress", "summary"])
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var name: String
        var file: String
        var path: String
        var edit: @Sendable (inout [String: Any]) -> Void
        var testDescription: String { name }
    }

    static let broken: [Broken] = [
        Broken(name: "unknown key", file: "rectification.json", path: "tables[0].columns[6].requird") {
            column(&$0, 6) { $0["requird"] = true }
        },
        Broken(name: "unknown list", file: "rectification.json", path: "tables[0].columns[7].list") {
            column(&$0, 7) { $0["list"] = "no-such-list" }
        },
        Broken(name: "unknown type", file: "self-check.json", path: "tables[0].columns[1].type") {
            column(&$0, 1) { $0["type"] = "datetime" }
        },
        Broken(name: "duplicate field key", file: "self-check.json", path: "tables[0].columns[2].key") {
            column(&$0, 2) { $0["key"] = "problem_id" }
        },
        Broken(name: "missing label", file: "self-check.json", path: "tables[0].columns[3].label") {
            column(&$0, 3) { $0["label"] = nil }
        },
        Broken(name: "required-when on an unknown value", file: "rectification.json",
               path: "tables[0].columns[8].requiredWhen.in") {
            column(&$0, 8) { $0["requiredWhen"] = ["field": "status", "in": ["大概完成"]] }
        },
        Broken(name: "reference to an unknown form", file: "rectification.json",
               path: "tables[0].columns[1].references.form") {
            column(&$0, 1) { $0["references"] = ["form": "nothing", "field": "problem_id"] }
        },
        Broken(name: "ambiguous alias", file: "rectification.json", path: "tables[0].columns[4]") {
            column(&$0, 4) { $0["aliases"] = ["整改措施"] }
        },
        Broken(name: "bad pattern", file: "rectification.json", path: "tables[0].columns[1].pattern") {
            column(&$0, 1) { $0["pattern"] = "([" }
        },
        Broken(name: "obligation for an unknown form", file: "campaign.json", path: "obligations[0].form") {
            var obligations = $0["obligations"] as! [[String: Any]]
            obligations[0]["form"] = "self-check-v2"
            $0["obligations"] = obligations
        },
        Broken(name: "bad due date", file: "campaign.json", path: "obligations[3].schedule[0].due") {
            var obligations = $0["obligations"] as! [[String: Any]]
            obligations[3]["schedule"] = [["period": "2024-09", "due": "2024-09-31"]]
            $0["obligations"] = obligations
        },
        Broken(name: "synonym claimed by two values", file: "lists.json", path: "lists[4]") {
            var lists = $0["lists"] as! [[String: Any]]
            var items = lists[4]["items"] as! [[String: Any]]
            items[1]["synonyms"] = ["已完成"]
            lists[4]["items"] = items
            $0["lists"] = lists
        },
        Broken(name: "unit of an unknown kind", file: "units.json", path: "units[0].kind") {
            var units = $0["units"] as! [[String: Any]]
            units[0]["kind"] = "county"
            $0["units"] = units
        },
    ]

    @Test(arguments: broken)
    func aBrokenFileIsNamedWithItsPath(_ c: Broken) throws {
        let error = try #require(Self.load(editing: c.file, c.edit))
        #expect(error.errors.contains { $0.file == c.file && $0.path == c.path }, "\(error)")
        #expect(error.description.contains(c.file))
        #expect(error.description.contains("表单定义有误"))
    }

    @Test func aMissingFileIsNamed() throws {
        do {
            _ = try FormSet.load(Self.files.filter { $0.name != "units.json" })
            Issue.record("loaded without units.json")
        } catch {
            #expect(error.errors.map(\.file) == ["units.json"])
        }
    }

    @Test func invalidJSONIsNamed() throws {
        var files = Self.files
        files.append(FormFile(name: "extra.json", contents: Data("{ \"id\": ".utf8)))
        do {
            _ = try FormSet.load(files)
            Issue.record("loaded a truncated file")
        } catch {
            #expect(error.errors.first?.file == "extra.json")
        }
    }

    @Test func aProvinceUnitsFileAddsDivisions() throws {
        let set = try BuiltinForms.load()
        var units = set.units
        units.append(ReportingUnit(id: "div-a", name: "某执法处", shortName: "某处", code: "DA", kind: "division"))
        let withDivision = try set.replacingUnits(units)
        #expect(withDivision.unit(named: "某执法处")?.id == "div-a")
        #expect(withDivision.campaign.owed(unitKind: "division", period: YearMonth(year: 2024, month: 6)!).count == 3)
    }

    @Test func theFormsMatchTheirJSONSchemas() throws {
        // The schemas in forms/schema/ are for people editing forms in an editor; keep them true.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = """
            import json, sys, pathlib
            from jsonschema import Draft202012Validator
            root = pathlib.Path(sys.argv[1]) / "forms"
            schemas = {n: json.load(open(root / "schema" / (n + ".schema.json"))) for n in ["form", "lists", "units", "campaign"]}
            bad = 0
            for f in sorted(root.glob("*.json")):
                kind = f.stem if f.stem in ("lists", "units", "campaign") else "form"
                for e in Draft202012Validator(schemas[kind]).iter_errors(json.load(open(f))):
                    print(f.name, list(e.path), e.message); bad += 1
            # A broken form must fail the schema too.
            broken = json.load(open(root / "rectification.json")); broken["tables"][0]["columns"][1]["type"] = "datetime"
            if not list(Draft202012Validator(schemas["form"]).iter_errors(broken)): print("schema accepts a bad type"); bad += 1
            sys.exit(1 if bad else 0)
            """
        let result = try ExternalProgram.python(script, [root.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
