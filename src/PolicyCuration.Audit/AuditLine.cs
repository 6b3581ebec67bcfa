using System.Text.Json.Serialization;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Audit;

/// <summary>One line of the audit history as written, described by <c>schema/audit-line.schema.json</c>.</summary>
internal sealed record AuditLine(
    [property: JsonRequired] string Domain,
    [property: JsonRequired] string Time,
    [property: JsonRequired] AuditLineEntry Entry,
    bool Passed,
    [property: JsonRequired] IReadOnlyList<string> Errors,
    [property: JsonRequired] AuditLineMtaSts? MtaSts,
    IReadOnlyList<FindingData>? Findings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuditLineVantage? Vantage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TlsRpt);

/// <summary>The entry the domain was judged against.</summary>
internal sealed record AuditLineEntry([property: JsonRequired] string Mode, [property: JsonRequired] IReadOnlyList<string> Mxs);

/// <summary>The domain's MTA-STS policy, when one was fetched.</summary>
internal sealed record AuditLineMtaSts([property: JsonRequired] string Mode, [property: JsonRequired] IReadOnlyList<string> Mx);

/// <summary>Where the run probed from, and whether it could be believed.</summary>
internal sealed record AuditLineVantage(
    [property: JsonRequired] string Id,
    [property: JsonRequired] string Status,
    [property: JsonRequired] string Reason,
    int CanariesReached,
    int Canaries,
    int Endpoints,
    int EndpointsUnreachable);

/// <summary>What readers of a whole history need of a line; the rest of it, findings included, is skipped unread.</summary>
internal sealed record AuditLineSummary(
    [property: JsonRequired] string Domain,
    [property: JsonRequired] string Time,
    [property: JsonRequired] IReadOnlyList<string> Errors,
    AuditLineVantageSummary? Vantage);

/// <summary>The vantage's name and status.</summary>
internal sealed record AuditLineVantageSummary([property: JsonRequired] string Id, [property: JsonRequired] string Status);

/// <summary>The serialisers of the history's lines, made at build time (NativeAOT and trimming keep them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 8, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(AuditLine))]
[JsonSerializable(typeof(AuditLineSummary))]
internal sealed partial class AuditLineContext : JsonSerializerContext;
