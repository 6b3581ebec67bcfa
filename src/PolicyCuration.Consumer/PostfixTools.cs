namespace PolicyCuration.Consumer;

/// <summary>Where Postfix's programs are: cron's PATH (<c>/usr/bin:/bin</c>) holds none of them.</summary>
internal static class PostfixTools
{
    private static readonly string[] Directories = ["/usr/sbin", "/usr/local/sbin", "/opt/local/sbin", "/usr/lib/postfix/sbin"];

    /// <summary>
    /// The <c>postmap</c> to run: <paramref name="given"/>, else the one in <c>postconf -h command_directory</c>, else
    /// the first in the usual directories.
    /// </summary>
    /// <exception cref="StateException">None found.</exception>
    public static string Postmap(string? given)
    {
        if (given is not null)
        {
            return Path.IsPathFullyQualified(given) && File.Exists(given)
                ? given
                : throw new StateException(StateFindingKinds.WriteFailed, $"--postmap-path {given}: give the absolute path of an existing postmap");
        }

        if (Find("postconf") is { } postconf)
        {
            string directory = ChildProcess.Run(postconf, ["-h", "command_directory"], "postconf", ChildProcess.Limit).Trim();
            string postmap = Path.Combine(directory, "postmap");
            if (Path.IsPathFullyQualified(postmap) && File.Exists(postmap))
            {
                return postmap;
            }
        }

        return Find("postmap") ?? throw new StateException(
            StateFindingKinds.WriteFailed, $"postmap is not in {string.Join(", ", Directories)} nor in postconf's command_directory: give --postmap-path");
    }

    private static string? Find(string program) =>
        Directories.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
