import TaizhangCore

/// Comma-separated values (RFC 4180), as Chinese Excel and WPS open them.
public enum CSVFormat {
    /// The format's descriptor.
    public static let descriptor = FormatDescriptor(id: "csv", name: "CSV 文本（.csv）", fileExtensions: ["csv"], isText: true)
}
