import Testing
import TaizhangCore
import TaizhangForms

@Suite struct BuiltinFormsTests {
    @Test func builtInFormsLoad() throws {
        let set = try BuiltinForms.load()
        #expect(set.forms.map(\.id) == ["self-check", "rectification", "progress", "summary"])
    }
}
