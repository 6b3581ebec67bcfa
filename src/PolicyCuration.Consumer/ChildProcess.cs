using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using PolicyCuration.Format.Findings;

namespace PolicyCuration.Consumer;

/// <summary>A failure of the consumer's own state or of what it runs, with its kind (<see cref="StateFindingKinds"/>).</summary>
/// <param name="kind">The kind.</param>
/// <param name="message">What went wrong, and what to do.</param>
public sealed class StateException(FindingKind kind, string message) : IOException(message)
{
    /// <summary>The kind.</summary>
    public FindingKind Kind { get; } = kind;

    /// <summary>The stable code.</summary>
    public string Code => Kind.Code;
}

/// <summary>What goes wrong with the consumer's own state, the files it writes and the programs it runs.</summary>
public static class StateFindingKinds
{
    /// <summary>The state directory or the map could not be written, or postmap or postconf failed.</summary>
    public static readonly FindingKind WriteFailed = new("state.write_failed", Severity.Error, "Could not write");

    /// <summary>The map was written, but the reload command failed: the next run retries it.</summary>
    public static readonly FindingKind ReloadFailed = new("state.reload_failed", Severity.Error, "Reload failed");

    /// <summary>A directory written to belongs to, or is writable by, another user.</summary>
    public static readonly FindingKind UnsafeDirectory = new("state.unsafe_directory", Severity.Error, "Directory not safe");

    /// <summary>A line of the overrides file is not an override.</summary>
    public static readonly FindingKind OverrideInvalid = new("override.invalid", Severity.Error, "Override not understood");

    /// <summary>Every kind above, in order; listed, not gathered by reflection, since NativeAOT has no metadata tokens to order fields by.</summary>
    public static IReadOnlyList<FindingKind> All { get; } = [WriteFailed, ReloadFailed, UnsafeDirectory, OverrideInvalid];
}

/// <summary>
/// Runs <c>postmap</c>, <c>postconf</c> and the reload command as cron needs them run: by absolute path, both output
/// streams read at once and bounded, the whole child bounded in time, every failure a <see cref="StateException"/>.
/// </summary>
internal static class ChildProcess
{
    /// <summary>How much of a child's output is kept, for the error message.</summary>
    public const int MaxOutputCharacters = 16 * 1024;

    /// <summary>How long a child may run.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="program"/> (an absolute path) with <paramref name="arguments"/>; returns its standard output.</summary>
    /// <exception cref="StateException">It could not start, ran past <paramref name="limit"/>, or failed.</exception>
    public static string Run(string program, IReadOnlyList<string> arguments, string what, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new StateException(StateFindingKinds.WriteFailed, $"{what}: {program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new StateException(StateFindingKinds.WriteFailed, $"{what}: cannot run {program}: {e.Message}");
        }

        using (process)
        {
            var output = ReadBoundedAsync(process.StandardOutput);
            var error = ReadBoundedAsync(process.StandardError);
            using var deadline = new CancellationTokenSource(limit);
            try
            {
                process.WaitForExitAsync(deadline.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new StateException(StateFindingKinds.WriteFailed, $"{what}: still running after {limit.TotalSeconds:0} s; killed");
            }

            // A grandchild may hold the pipes open after the child exits: what came by now is enough.
            Task.WaitAll([output, error], TimeSpan.FromSeconds(5));
            string said = (Completed(error) + Completed(output)).Trim();
            return process.ExitCode == 0
                ? Completed(output)
                : throw new StateException(StateFindingKinds.WriteFailed, $"{what} exited with {process.ExitCode}{(said.Length > 0 ? ": " + said : string.Empty)}");
        }
    }

    private static string Completed(Task<string> read) => read.IsCompletedSuccessfully ? read.Result : string.Empty;

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, Math.Min(read, MaxOutputCharacters - kept.Length));
        }

        return kept.ToString();
    }
}
