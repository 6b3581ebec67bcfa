namespace PolicyCuration.Testing;

/// <summary>Paths of the repository's files that tests read.</summary>
internal static class TestFiles
{
    /// <summary>The repository's root, found by walking up from the test binary to the solution file.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The JSON Schema.</summary>
    public static string Schema => Path.Combine(Root, "schema", "policy.schema.json");

    /// <summary>The list this repository curates.</summary>
    public static string PolicyList => Path.Combine(Root, "policy", "policy.json");

    /// <summary>EFF's last published list.</summary>
    public static string EffList => Path.Combine(Root, "tests", "corpus", "eff", "eff-policy-2020-05-20.json");

    /// <summary>The hostile-input corpus.</summary>
    public static string HostileCorpus => Path.Combine(Root, "tests", "corpus", "hostile");

    /// <summary>The README, the front door.</summary>
    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>The table of every finding code.</summary>
    public static string FindingCodes => Path.Combine(Root, "docs", "finding-codes.md");

    /// <summary>The consumer's documentation, which its package carries.</summary>
    public static string ConsumerDoc => Path.Combine(Root, "docs", "consumer.md");

    /// <summary>The README, then every document in docs/, in the order a newcomer reads them (commands that make a release before those that install it).</summary>
    public static IReadOnlyList<string> Documents { get; } =
        [Readme, .. new[] { "contributing.md", "cli.md", "maintaining.md", "consumer.md", "architecture.md", "finding-codes.md" }.Select(d => Path.Combine(Root, "docs", d))];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolicyCuration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no PolicyCuration.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>A directory under the system's temporary directory, deleted when disposed.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), "policycuration-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless; a failing dispose would hide the test's result.
        }
    }
}
