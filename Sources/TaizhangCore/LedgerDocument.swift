/// A form filled in (or to be filled in): what ledger exporters write and importers' results become.
public struct LedgerDocument: Sendable {
    /// Whether this is an empty template for a unit to fill, or data.
    public enum Purpose: String, Sendable {
        /// An empty form with input rows, guidance and validation.
        case template
        /// Filled data (normalised records, a consolidated ledger).
        case data
    }

    /// The form.
    public var form: Form
    /// The choice lists and units the form refers to.
    public var formSet: FormSet
    /// The unit, when the document belongs to one.
    public var unit: ReportingUnit?
    /// The period (报送期), when known.
    public var period: YearMonth?
    /// Header values by field key.
    public var header: [String: Value]
    /// Rows by table id.
    public var rows: [String: [Record]]
    /// Template or data.
    public var purpose: Purpose

    public init(form: Form, formSet: FormSet, unit: ReportingUnit? = nil, period: YearMonth? = nil,
                header: [String: Value] = [:], rows: [String: [Record]] = [:], purpose: Purpose = .data) {
        self.form = form
        self.formSet = formSet
        self.unit = unit
        self.period = period
        self.header = header
        self.rows = rows
        self.purpose = purpose
    }

    /// The custom document properties a template carries, so the importer recognises it exactly.
    public var identifyingProperties: [String: String] {
        var properties = [
            TemplateProperty.form: form.id,
            TemplateProperty.formVersion: form.version,
            TemplateProperty.campaign: formSet.campaign.id,
        ]
        if let unit { properties[TemplateProperty.unit] = unit.id }
        if let period { properties[TemplateProperty.period] = period.iso }
        return properties
    }
}

/// The names of the custom document properties templates carry.
public enum TemplateProperty {
    public static let form = "taizhang.form"
    public static let formVersion = "taizhang.form-version"
    public static let unit = "taizhang.unit"
    public static let period = "taizhang.period"
    public static let campaign = "taizhang.campaign"
}
