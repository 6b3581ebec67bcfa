using PolicyCuration.Format.Findings;

namespace PolicyCuration.Validation.Rules;

/// <summary>The findings of the semantic rules on a list.</summary>
public static class ListFindingKinds
{
    /// <summary><c>timestamp</c> is neither RFC 3339 with an offset nor epoch seconds.</summary>
    public static readonly FindingKind TimestampInvalid = new("list.timestamp.invalid", Severity.Error, "Unreadable timestamp");

    /// <summary><c>expires</c> is neither RFC 3339 with an offset nor epoch seconds.</summary>
    public static readonly FindingKind ExpiresInvalid = new("list.expires.invalid", Severity.Error, "Unreadable expiry");

    /// <summary><c>expires</c> is not after <c>timestamp</c>.</summary>
    public static readonly FindingKind ExpiresNotAfterTimestamp = new("list.expires.not_after_timestamp", Severity.Error, "Expires before timestamp");

    /// <summary>The list has expired.</summary>
    public static readonly FindingKind Expired = new("list.expired", Severity.Warning, "List expired");

    /// <summary>The list stays valid for more than 31 days.</summary>
    public static readonly FindingKind ValidityTooLong = new("list.validity.too_long", Severity.Warning, "Validity window too long");

    /// <summary>A domain with upper-case letters.</summary>
    public static readonly FindingKind DomainNotLowercase = new("list.domain.not_lowercase", Severity.Error, "Domain not lower case");

    /// <summary>A domain written with non-ASCII characters instead of its A-label.</summary>
    public static readonly FindingKind DomainNotAscii = new("list.domain.not_ascii", Severity.Error, "Domain not ASCII");

    /// <summary>A domain with a trailing dot.</summary>
    public static readonly FindingKind DomainTrailingDot = new("list.domain.trailing_dot", Severity.Error, "Domain has trailing dot");

    /// <summary>A domain of one label.</summary>
    public static readonly FindingKind DomainSingleLabel = new("list.domain.single_label", Severity.Error, "Single-label domain");

    /// <summary>An IP address where a domain belongs.</summary>
    public static readonly FindingKind DomainIpAddress = new("list.domain.ip_address", Severity.Error, "Domain is an IP address");

    /// <summary>An <c>xn--</c> label that is not valid IDNA.</summary>
    public static readonly FindingKind DomainInvalidIdna = new("list.domain.invalid_idna", Severity.Error, "Invalid IDN label");

    /// <summary>An IDN mixing look-alike scripts.</summary>
    public static readonly FindingKind DomainMixedScript = new("list.domain.mixed_script", Severity.Error, "Mixed-script IDN");

    /// <summary>Any other malformed domain: empty label, bad character, label or name too long.</summary>
    public static readonly FindingKind DomainInvalid = new("list.domain.invalid", Severity.Error, "Invalid domain name");

    /// <summary>A domain that is itself a public suffix.</summary>
    public static readonly FindingKind DomainPublicSuffix = new("list.domain.public_suffix", Severity.Error, "Domain is a public suffix");

    /// <summary>Two domains equal after case folding.</summary>
    public static readonly FindingKind DomainDuplicate = new("list.domain.duplicate", Severity.Error, "Duplicate domain");

    /// <summary>A policy names an alias the list does not define.</summary>
    public static readonly FindingKind AliasUnknown = new("list.alias.unknown", Severity.Error, "Unknown alias");

    /// <summary>An alias no policy uses.</summary>
    public static readonly FindingKind AliasUnused = new("list.alias.unused", Severity.Warning, "Unused alias");

    /// <summary>An MX pattern that is not a host name or a <c>.suffix</c>.</summary>
    public static readonly FindingKind MxInvalidPattern = new("list.mx.invalid_pattern", Severity.Error, "Invalid MX pattern");

    /// <summary>An MX pattern with upper-case letters (matching ignores case; <c>fmt</c> does not change it).</summary>
    public static readonly FindingKind MxNotLowercase = new("list.mx.not_lowercase", Severity.Warning, "MX pattern not lower case");

    /// <summary>The same MX pattern twice in one policy.</summary>
    public static readonly FindingKind MxDuplicate = new("list.mx.duplicate", Severity.Error, "Duplicate MX pattern");

    /// <summary>A <c>.suffix</c> pattern whose suffix is a public suffix, such as <c>.com</c> or <c>.co.uk</c>.</summary>
    public static readonly FindingKind MxTooBroad = new("list.mx.too_broad", Severity.Error, "MX pattern too broad");

    /// <summary>A policy with an empty <c>mxs</c>.</summary>
    public static readonly FindingKind MxEmpty = new("list.mx.empty", Severity.Error, "No MX patterns");

    /// <summary>The file is not in canonical form (a warning for <c>validate</c>, an error for <c>fmt --check</c>).</summary>
    public static readonly FindingKind NotCanonical = new("list.not_canonical", Severity.Warning, "File not canonical");

    /// <summary>Every kind above, gathered from its declarations, in their order.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = FindingKind.DeclaredIn(typeof(ListFindingKinds));
}
