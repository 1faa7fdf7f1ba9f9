import Testing
import TaizhangCore
import TaizhangDOCX

@Suite struct DOCXFormatTests {
    @Test func descriptor() {
        #expect(DOCXFormat.descriptor.id == "docx")
        #expect(DOCXFormat.descriptor.fileExtensions == ["docx"])
        #expect(!DOCXFormat.descriptor.isText)
        #expect(DOCXExporter().format == DOCXFormat.descriptor)
    }
}
