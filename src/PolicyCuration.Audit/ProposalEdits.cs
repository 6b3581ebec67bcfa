using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Validation;

namespace PolicyCuration.Audit;

/// <summary>The audit's proposals as edits of the list: applied in canonical form, and vetted so that none leaves the list invalid.</summary>
public static class ProposalEdits
{
    /// <summary><paramref name="list"/> with <paramref name="proposals"/> applied, in canonical form.</summary>
    public static byte[] Apply(PolicyList list, IReadOnlyList<Proposal> proposals)
    {
        var byDomain = proposals.ToDictionary(p => p.Domain, StringComparer.OrdinalIgnoreCase);
        var policies = new List<NamedPolicy>();
        foreach (var entry in list.Policies)
        {
            if (!byDomain.TryGetValue(entry.Name, out var proposal))
            {
                policies.Add(entry);
                continue;
            }

            var current = list.Resolve(entry.Policy) ?? entry.Policy;
            switch (proposal.Kind)
            {
                case ProposalKind.Demote:
                    policies.Add(entry with { Policy = Policy.Direct(PolicyMode.Testing, (current.Mxs ?? []).Select(m => m.Text)) });
                    break;
                case ProposalKind.Update:
                    policies.Add(entry with { Policy = Policy.Direct(current.Mode ?? PolicyMode.Testing, proposal.NewMxs ?? []) });
                    break;
            }
        }

        return Encoding.UTF8.GetBytes(CanonicalWriter.Write(list with { Policies = policies }));
    }

    /// <summary>
    /// The proposals that leave the list <paramref name="bytes"/> (read from <paramref name="file"/>) valid, and those refused with the error each would add (a policy's
    /// MTA-STS <c>*.co.uk</c> must not become <c>.co.uk</c>): the list is validated once with all of them, and again
    /// without those a new error names.
    /// </summary>
    public static (IReadOnlyList<Proposal> Kept, IReadOnlyList<(Proposal Proposal, Finding Finding)> Refused) Vet(
        string file, byte[] bytes, IReadOnlyList<Proposal> proposals, ListValidator validator, DateTimeOffset now)
    {
        if (proposals.Count == 0)
        {
            return (proposals, []);
        }

        HashSet<(string, string)> Errors(byte[] bytes) =>
            [.. validator.Validate(new SourceText(file, bytes), now).Findings.Where(f => f.Severity == Severity.Error).Select(f => (f.Code, f.Subject.ToLowerInvariant()))];
        List<Finding> Fresh(byte[] bytes, HashSet<(string, string)> before) =>
            [.. validator.Validate(new SourceText(file, bytes), now).Findings.Where(f => f.Severity == Severity.Error && !before.Contains((f.Code, f.Subject.ToLowerInvariant())))];

        var list = PolicyListReader.Read(new SourceText(file, bytes)).List ?? throw new InvalidDataException($"{file} cannot be read as a list");
        var before = Errors(bytes);
        var fresh = Fresh(Apply(list, proposals), before);
        var refused = new List<(Proposal, Finding)>();
        foreach (var proposal in proposals)
        {
            var blame = fresh.FirstOrDefault(f => string.Equals(f.Subject, proposal.Domain, StringComparison.OrdinalIgnoreCase));
            if (blame is not null)
            {
                refused.Add((proposal, blame));
            }
        }

        var kept = proposals.Where(p => !refused.Any(r => r.Item1 == p)).ToList();
        if (kept.Count > 0 && Fresh(Apply(list, kept), before) is [var remaining, ..])
        {
            // An error no single proposal is named by: propose nothing rather than a broken list.
            return ([], [.. refused, .. kept.Select(p => (p, remaining))]);
        }

        return (kept, refused);
    }
}
