namespace PolicyCuration.Probe.Smtp;

/// <summary>One SMTP reply: its three-digit code and the text of each line, code and separator removed.</summary>
/// <param name="Code">The reply code, 200 to 599.</param>
/// <param name="Lines">The text of each line, at least one.</param>
public sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>The first line, with its code, as a server would have sent it (for messages).</summary>
    public override string ToString() => $"{Code} {Lines[0]}";

    /// <summary>Whether an EHLO reply lists <paramref name="keyword"/> (case-insensitive) as an extension.</summary>
    public bool HasExtension(string keyword) =>
        Lines.Skip(1).Any(line =>
        {
            var span = line.AsSpan().Trim();
            int space = span.IndexOf(' ');
            return (space < 0 ? span : span[..space]).Equals(keyword, StringComparison.OrdinalIgnoreCase);
        });
}

/// <summary>The peer broke the SMTP reply grammar or its bounds.</summary>
public sealed class SmtpProtocolException : Exception
{
    /// <summary>A violation; <paramref name="oversized"/> when a bound was passed rather than the grammar broken.</summary>
    public SmtpProtocolException(string message, bool oversized)
        : base(message) => Oversized = oversized;

    /// <summary>Whether a bound (line length, line count) was passed.</summary>
    public bool Oversized { get; }
}
