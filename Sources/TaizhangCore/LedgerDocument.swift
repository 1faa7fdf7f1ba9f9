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
    /// For a template: the keys a reference column may take (by the column's field key), in order — the unit's
    /// 自查台账 问题编号 for the 整改工作台账 — each with the referenced row's texts (its 问题描述), which the template
    /// offers as a dropdown and shows beside a key typed in a new row.
    public var referenceChoices: [String: [ReferenceChoice]] = [:]

    /// A key a reference column may take, with texts of the row it names.
    public struct ReferenceChoice: Sendable, Hashable {
        public var key: String
        /// Texts of the referenced row by field key (`description`), shown in the columns of the same key.
        public var values: [String: String]
        public init(key: String, values: [String: String] = [:]) {
            self.key = key
            self.values = values
        }
    }

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
