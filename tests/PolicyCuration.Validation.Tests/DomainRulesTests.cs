using PolicyCuration.Validation.Names;
using PolicyCuration.Validation.Rules;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Validation.Tests;

/// <summary>Duplicate domains in lists built in code, where the reader's refusal of repeated keys does not apply.</summary>
public class DomainRulesTests
{
    [Theory]
    [InlineData(new[] { "a.org", "b.org", "c.org" }, new string[0])]
    [InlineData(new[] { "a.org", "b.org", "b.org", "c.org" }, new[] { "b.org" })]
    [InlineData(new[] { "c.org", "a.org", "b.org", "a.org" }, new[] { "a.org" })]
    [InlineData(new[] { "b.org", "A.ORG", "a.org" }, new[] { "a.org" })]
    [InlineData(new[] { "a.org", "b.org", "a.org." }, new[] { "a.org." })]
    public void EachRepeatedDomainIsReportedOnce(string[] names, string[] repeated)
    {
        var list = new PolicyList { Policies = [.. names.Select(n => new NamedPolicy(n, Policy.Direct(PolicyMode.Testing, ["mx.example.net"])))] };

        var duplicates = DomainRules.Check(list, PublicSuffixList.Default).Where(f => f.Code == "list.domain.duplicate").Select(f => f.Subject);

        Assert.Equal(repeated, duplicates);
    }
}
