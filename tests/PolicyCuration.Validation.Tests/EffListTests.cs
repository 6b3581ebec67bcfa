using PolicyCuration.Format;
using PolicyCuration.Format.Findings;
using PolicyCuration.Testing;

namespace PolicyCuration.Validation.Tests;

public class EffListTests
{
    [Fact]
    public void EffsLastListHasNoErrorAndOnlyItsExpiryOnceFormatted()
    {
        var report = Validation.OfFile(TestFiles.EffList);

        Assert.Equal(0, report.ErrorCount);
        Assert.Contains(report.Findings, f => f.Code == "list.expired");
        Assert.All(report.Findings, f => Assert.Contains(f.Code, new[] { "list.expired", "list.not_canonical", "list.mx.not_lowercase" }));

        string canonical = CanonicalWriter.Write(report.List!);
        var formatted = Validation.Validator.Validate(new SourceText("eff.json", System.Text.Encoding.UTF8.GetBytes(canonical)), Validation.Now);
        Assert.Equal("list.expired", Assert.Single(formatted.Findings).Code);
    }

    [Fact]
    public void EffsListWasNotExpiredTheDayAfterItWasPublished()
    {
        var report = Validation.Validator.Validate(PolicyListReader.ReadFile(TestFiles.EffList), new DateTimeOffset(2020, 5, 21, 0, 0, 0, TimeSpan.Zero));

        Assert.DoesNotContain(report.Findings, f => f.Code == "list.expired");
    }

    [Fact]
    public void TheRepositorysListIsValidAndCanonical()
    {
        var read = PolicyListReader.ReadFile(TestFiles.PolicyList);
        var list = read.List!;
        var report = Validation.Validator.Validate(read, list.Timestamp!.Value!.Value, Severity.Error);

        Assert.Empty(report.Findings);
        Assert.All(list.Aliases, a => Assert.Equal(Format.Model.PolicyMode.Testing, a.Policy.Mode));
        Assert.Equal(["google", "icloud", "outlook", "yahoo"], list.Aliases.Select(a => a.Name));
        Assert.All(list.Policies, p => Assert.NotNull(p.Policy.Alias));
    }
}
