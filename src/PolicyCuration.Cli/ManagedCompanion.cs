using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PolicyCuration.Cli;

/// <summary>The managed build that a native <c>policyctl</c> hands its git and GitHub commands to.</summary>
/// <remarks>
/// LibGit2Sharp marshals strings with custom marshalers and Octokit reads responses by reflection over generic
/// types; native code can run neither. <c>dotnet publish</c> puts the managed build in <c>managed/</c> beside the
/// native binary, and the native binary starts it with the same arguments, the same streams and the same
/// environment, and exits with its exit code.
/// </remarks>
internal static class ManagedCompanion
{
    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal) { "diff", "check-pr", "pr-report", "release", "publish", "audit" };

    /// <summary>Where the managed build is.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "managed", "policyctl");

    /// <summary>Whether this process is native and <paramref name="args"/> name a command that only the managed build can run.</summary>
    public static bool Handles(string[] args) => !RuntimeFeature.IsDynamicCodeSupported && args.Length > 0 && Commands.Contains(args[0]);

    /// <summary>Runs <paramref name="args"/> in the managed build; returns its exit code.</summary>
    public static int Run(string[] args, TextWriter error)
    {
        if (!File.Exists(Path))
        {
            error.WriteLine($"policyctl {args[0]}: this native policyctl needs its managed build at {Path}; publish with 'dotnet publish src/PolicyCuration.Cli -c Release -r linux-x64', which puts it there");
            return ExitCodes.Usage;
        }

        var start = new ProcessStartInfo(Path) { UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Path}");
        process.WaitForExit();
        return process.ExitCode;
    }
}
