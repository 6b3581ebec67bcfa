using PolicyCuration.Format.Findings;

namespace PolicyCuration.Format.Json;

/// <summary>The findings the JSON reader can stop with.</summary>
public static class JsonFindingKinds
{
    /// <summary>Not well-formed JSON: truncated, comments, trailing commas, NaN, stray characters.</summary>
    public static readonly FindingKind Syntax = new("json.syntax", Severity.Error, "Invalid JSON syntax");

    /// <summary>The file starts with a byte order mark.</summary>
    public static readonly FindingKind ByteOrderMark = new("json.encoding.bom", Severity.Error, "Byte order mark");

    /// <summary>The file is not valid UTF-8.</summary>
    public static readonly FindingKind InvalidUtf8 = new("json.encoding.invalid_utf8", Severity.Error, "Invalid UTF-8");

    /// <summary>The same key twice in one object.</summary>
    public static readonly FindingKind DuplicateKey = new("json.duplicate_key", Severity.Error, "Duplicate JSON key");

    /// <summary>Nesting deeper than the reader accepts.</summary>
    public static readonly FindingKind TooDeep = new("json.too_deep", Severity.Error, "Nesting too deep");

    /// <summary>A string, key or number longer than the reader accepts.</summary>
    public static readonly FindingKind TokenTooLong = new("json.token_too_long", Severity.Error, "Value too long");

    /// <summary>The file is larger than the configured cap.</summary>
    public static readonly FindingKind FileTooLarge = new("json.file_too_large", Severity.Error, "File too large");

    /// <summary>Every kind above, gathered from its declarations, in their order.</summary>
    /// <remarks>
    /// Worked out when asked, not when the type is first used: the native consumer reads lists with these kinds, and
    /// NativeAOT has no metadata tokens to order fields by, so gathering them at type initialisation would end it.
    /// </remarks>
    public static IReadOnlyList<FindingKind> All => FindingKind.DeclaredIn(typeof(JsonFindingKinds));
}
