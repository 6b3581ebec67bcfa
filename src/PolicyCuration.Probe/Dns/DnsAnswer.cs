namespace PolicyCuration.Probe.Dns;

/// <summary>How a DNS question ended.</summary>
public enum DnsOutcome
{
    /// <summary>Records of the asked type were found.</summary>
    Found,

    /// <summary>The name exists but has no records of the asked type.</summary>
    NoData,

    /// <summary>The name does not exist.</summary>
    NxDomain,

    /// <summary>A CNAME chain loops or is too long.</summary>
    CnameLoop,

    /// <summary>SERVFAIL, refusal, timeout or a malformed answer.</summary>
    Failed,
}

/// <summary>The answer to one DNS question: its outcome, the records found, and why it failed.</summary>
/// <typeparam name="T">The record data kept.</typeparam>
/// <param name="Outcome">How the question ended.</param>
/// <param name="Records">The records, empty unless <see cref="DnsOutcome.Found"/>.</param>
/// <param name="Error">What went wrong, for <see cref="DnsOutcome.Failed"/> and <see cref="DnsOutcome.CnameLoop"/>.</param>
public sealed record DnsAnswer<T>(DnsOutcome Outcome, IReadOnlyList<T> Records, string? Error = null)
{
    /// <summary>An answer with no records.</summary>
    public static DnsAnswer<T> Empty(DnsOutcome outcome, string? error = null) => new(outcome, [], error);
}

/// <summary>One MX record.</summary>
/// <param name="Preference">Lower is preferred.</param>
/// <param name="Host">The exchange, lower case, without the final dot; empty for a null MX.</param>
public readonly record struct MxRecord(int Preference, string Host);
