using System.Text;

namespace PolicyCuration.Probe.Smtp;

/// <summary>Reads SMTP replies from a stream within fixed bounds, whatever the peer sends.</summary>
/// <remarks>
/// RFC 5321 caps a reply line at 512 octets; servers stray, so the bound is eight times that. A peer that sends
/// a 10 MB line or endless <c>250-</c> continuations is stopped at the bound, and memory stays at one buffer.
/// Time is the caller's bound: every read takes its cancellation token.
/// </remarks>
public sealed class SmtpReplyReader
{
    /// <summary>The longest reply line accepted, in bytes, line ending included.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>The most lines one reply may have.</summary>
    public const int MaxLines = 128;

    private readonly Stream stream;
    private readonly byte[] buffer = new byte[MaxLineBytes];
    private int start;
    private int end;

    /// <summary>A reader of replies arriving on <paramref name="stream"/>.</summary>
    public SmtpReplyReader(Stream stream) => this.stream = stream;

    /// <summary>Reads one complete reply.</summary>
    /// <exception cref="SmtpProtocolException">The reply breaks the grammar or a bound, or the peer closed mid-reply.</exception>
    public async Task<SmtpReply> ReadAsync(CancellationToken cancellation)
    {
        var lines = new List<string>();
        int code = 0;
        while (true)
        {
            string line = await ReadLineAsync(cancellation).ConfigureAwait(false);
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || line[0] < '2' || line[0] > '5' || (line.Length > 3 && line[3] != ' ' && line[3] != '-'))
            {
                throw new SmtpProtocolException($"not an SMTP reply line: {Shown(line)}", oversized: false);
            }

            int lineCode = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
            if (lines.Count > 0 && lineCode != code)
            {
                throw new SmtpProtocolException($"reply code changes from {code} to {lineCode} within one reply", oversized: false);
            }

            code = lineCode;
            lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            if (line.Length == 3 || line[3] == ' ')
            {
                return new SmtpReply(code, lines);
            }

            if (lines.Count >= MaxLines)
            {
                throw new SmtpProtocolException($"a reply of more than {MaxLines} lines", oversized: true);
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellation)
    {
        int scanned = start;
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', scanned, end - scanned);
            if (newline >= 0)
            {
                int length = newline - start;
                if (length > 0 && buffer[newline - 1] == '\r')
                {
                    length--;
                }

                string line = Encoding.Latin1.GetString(buffer, start, length);
                start = newline + 1;
                return line;
            }

            scanned = end;
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                scanned -= start;
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                throw new SmtpProtocolException($"a reply line longer than {MaxLineBytes} bytes", oversized: true);
            }

            int read = await stream.ReadAsync(buffer.AsMemory(end), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw new SmtpProtocolException(
                    end > start ? $"the connection closed in the middle of a line: {Shown(Encoding.Latin1.GetString(buffer, start, end - start))}" : "the connection closed before the reply",
                    oversized: false);
            }

            end += read;
        }
    }

    private static string Shown(string line) => line.Length > 80 ? line[..80] + "…" : line;
}
