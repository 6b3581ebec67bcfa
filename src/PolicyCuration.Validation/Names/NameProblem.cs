namespace PolicyCuration.Validation.Names;

/// <summary>What makes a string unusable as a domain name in the list (the first problem found).</summary>
public enum NameProblem
{
    /// <summary>A valid lower-or-mixed-case ASCII host name of two or more labels.</summary>
    None,

    /// <summary>Nothing at all.</summary>
    Empty,

    /// <summary>Non-ASCII characters: an IDN must be written as its A-label (<c>xn--…</c>).</summary>
    NotAscii,

    /// <summary>A trailing dot (absolute form).</summary>
    TrailingDot,

    /// <summary>A single label, such as <c>com</c>.</summary>
    SingleLabel,

    /// <summary>An IPv4 or IPv6 address.</summary>
    IpAddress,

    /// <summary>A <c>:port</c> suffix.</summary>
    Port,

    /// <summary>A <c>*</c> wildcard.</summary>
    Wildcard,

    /// <summary>An empty label: <c>..</c>, or a leading dot where none is allowed.</summary>
    EmptyLabel,

    /// <summary>A character other than letters, digits, hyphen and dot.</summary>
    InvalidCharacter,

    /// <summary>A label longer than 63 characters.</summary>
    LabelTooLong,

    /// <summary>A name longer than 253 characters.</summary>
    NameTooLong,

    /// <summary>A label that starts or ends with a hyphen.</summary>
    HyphenAtLabelEdge,

    /// <summary>An <c>xn--</c> label that is not valid IDNA, or another label with <c>--</c> in third and fourth place.</summary>
    InvalidIdna,

    /// <summary>An IDN label mixing Latin with Greek or Cyrillic letters: the classic homoglyph spoof.</summary>
    MixedScript,
}
