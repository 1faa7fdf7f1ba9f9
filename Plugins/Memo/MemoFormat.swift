import TaizhangCore

/// Plain-text official documents in the layout of GB/T 9704-2012.
public enum MemoFormat {
    /// The format's descriptor.
    public static let descriptor = FormatDescriptor(id: "memo", name: "公文文本（.txt）", fileExtensions: ["txt"], isText: true)
}
