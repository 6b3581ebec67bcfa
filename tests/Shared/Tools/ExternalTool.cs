using System.Diagnostics;

namespace PolicyCuration.Testing;

/// <summary>Runs a program nobody here wrote (minisign, postmap) and captures what it says.</summary>
internal static class ExternalTool
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>, feeding <paramref name="input"/>; fails the test, saying how to get it, when it is missing.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, string? input = null, string? workingDirectory = null)
    {
        var (code, output, error) = RunApart(program, arguments, input, workingDirectory);
        return (code, output + error);
    }

    /// <summary>The same as <see cref="Run"/>, with standard output and standard error kept apart; a rooted path is run as it is.</summary>
    public static (int ExitCode, string Output, string Error) RunApart(string program, IEnumerable<string> arguments, string? input = null, string? workingDirectory = null)
    {
        string path = Path.IsPathRooted(program) ? program : Find(program);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            if (input is not null)
            {
                process.StandardInput.Write(input);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program did not read its input; its exit code and output say why.
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within 120 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The full path of <paramref name="program"/> on PATH or in /usr/sbin.</summary>
    public static string Find(string program)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/usr/bin");
        return directories.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{program} is not installed: tools/fixtures/start.sh installs it (Debian package {program switch { "postmap" => "postfix", _ => program }})");
    }
}
