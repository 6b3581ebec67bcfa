using PolicyCuration.Format.Findings;
using PolicyCuration.Probe.Dns;

namespace PolicyCuration.Review;

/// <summary>
/// Proof that whoever opened the pull request controls the domain: a TXT record at <c>_starttls-policy.DOMAIN</c>
/// holding the pull request's URL. The URL names one PR, and only domains that PR changes are checked, so a record
/// published for one PR cannot be replayed by another.
/// </summary>
public sealed class OwnershipCheck(MailDns dns)
{
    /// <summary>The name the TXT record is published at.</summary>
    public static string RecordName(string domain) => $"_starttls-policy.{domain}";

    /// <summary>The finding for <paramref name="domain"/>, or none when it holds <paramref name="pullRequestUrl"/>.</summary>
    public async Task<Finding?> CheckAsync(string domain, string pullRequestUrl, CancellationToken cancellation)
    {
        string name = RecordName(domain);
        var answer = await dns.TxtAsync(name, cancellation).ConfigureAwait(false);
        if (answer.Outcome is DnsOutcome.Failed or DnsOutcome.CnameLoop)
        {
            return ReviewFindingKinds.OwnershipLookupFailed.At(domain, $"{answer.Error ?? $"TXT {name}: the lookup failed"}; the check runs again on the next push, or a maintainer re-runs it", null);
        }

        if (answer.Records.Any(text => Same(text, pullRequestUrl)))
        {
            return null;
        }

        return answer.Records.Count == 0
            ? ReviewFindingKinds.OwnershipMissing.At(domain, $"publish a TXT record at {name} holding \"{pullRequestUrl}\" to show you control {domain}", null)
            : ReviewFindingKinds.OwnershipMismatch.At(
                domain,
                $"the TXT record at {name} holds {string.Join(", ", answer.Records.Take(3).Select(r => $"\"{Shown(r)}\""))}, not this pull request's URL \"{pullRequestUrl}\": " +
                "replace it with (or add) a record holding this pull request's URL",
                null);
    }

    private static bool Same(string text, string url) =>
        string.Equals(text.Trim().TrimEnd('/'), url.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string Shown(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
