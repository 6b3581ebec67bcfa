using System.Text;
using PolicyCuration.Validation.Diff;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Validation.Tests;

public class ListDiffTests
{
    private const string Aliases = """{"g": {"mode": "testing", "mxs": ["mx.g.example"]}, "h": {"mode": "testing", "mxs": ["mx.h.example"]}}""";

    private static PolicyList Read(string json) => PolicyListReader.Read(new SourceText("t.json", Encoding.UTF8.GetBytes(json))).List!;

    [Fact]
    public void FindsAddedRemovedAndChangedDomains()
    {
        var before = Read(Validation.List("""{"a.example": {"mode": "testing", "mxs": ["mx.a.example"]}, "b.example": {"mode": "testing", "mxs": ["mx.b.example"]}, "c.example": {"mode": "testing", "mxs": ["mx.c.example"]}}"""));
        var after = Read(Validation.List("""{"a.example": {"mode": "enforce", "mxs": ["mx.a.example"]}, "c.example": {"mode": "testing", "mxs": ["mx.c.example"]}, "d.example": {"mode": "testing", "mxs": ["mx.d.example"]}}"""));

        var diff = ListDiff.Compare(before, after);

        Assert.Equal(
            [("a.example", ChangeKind.Changed), ("b.example", ChangeKind.Removed), ("d.example", ChangeKind.Added)],
            diff.Domains.Select(d => (d.Domain, d.Kind)));
        Assert.Equal(PolicyMode.Enforce, diff.Domains[0].After!.Mode);
        Assert.Equal(["a.example", "d.example"], diff.AddedOrChanged);
        Assert.Empty(diff.Aliases);
    }

    [Fact]
    public void AnAliasChangeIsAChangeToEveryDomainThatUsesIt()
    {
        string policies = """{"a.example": {"policy-alias": "g"}, "b.example": {"policy-alias": "g"}, "c.example": {"policy-alias": "h"}}""";
        var before = Read(Validation.List(policies, Aliases));
        var after = Read(Validation.List(policies, Aliases.Replace("mx.g.example\"]", "mx.g.example\", \".g.example\"]", StringComparison.Ordinal)));

        var diff = ListDiff.Compare(before, after);

        var alias = Assert.Single(diff.Aliases);
        Assert.Equal("g", alias.Alias);
        Assert.Equal(["a.example", "b.example"], alias.AffectedDomains);
        Assert.All(diff.Domains, d => Assert.Equal((ChangeKind.AliasChanged, "g"), (d.Kind, d.Alias)));
        Assert.Equal(["a.example", "b.example"], diff.AddedOrChanged);
    }

    [Fact]
    public void SwitchingToAnotherAliasIsAChangeOfTheEntry()
    {
        var before = Read(Validation.List("""{"a.example": {"policy-alias": "g"}}""", Aliases));
        var after = Read(Validation.List("""{"a.example": {"policy-alias": "h"}}""", Aliases));

        var change = Assert.Single(ListDiff.Compare(before, after).Domains);

        Assert.Equal(ChangeKind.Changed, change.Kind);
    }

    [Fact]
    public void HeaderAndOrderChangesAreNoChange()
    {
        var before = Read(Validation.List("""{"a.example": {"policy-alias": "g"}, "b.example": {"policy-alias": "h"}}""", Aliases));
        var after = Read(Validation.List("""{"b.example": {"policy-alias": "h"}, "a.example": {"policy-alias": "g"}}""", Aliases, expires: "\"2026-12-20T00:00:00+00:00\""));

        Assert.True(ListDiff.Compare(before, after).IsEmpty);
    }
}
