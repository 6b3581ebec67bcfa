namespace PolicyCuration.Probe;

/// <summary>Exception messages as finding text: what happened on the wire, in a sentence a mail admin can act on.</summary>
internal static class ExceptionText
{
    /// <summary>The messages of <paramref name="e"/> and its inner exceptions, deduplicated, outermost first.</summary>
    public static string Reasons(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null && messages.Count < 4; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(": ", messages);
    }

    /// <summary>
    /// Why a TLS handshake failed, without the TLS library's exception chain ("see inner exception", "SSL_ERROR_SSL",
    /// "error:0A000102"): the cause read from it, else the first message that says something.
    /// </summary>
    public static string Handshake(Exception e)
    {
        string all = Reasons(e);
        bool Says(string words) => all.Contains(words, StringComparison.OrdinalIgnoreCase);
        return true switch
        {
            _ when Says("unsupported protocol") || Says("protocol version") => "no TLS version in common",
            _ when Says("no shared cipher") || Says("handshake failure") || Says("no suitable signature") => "no cipher suite in common",
            _ when Says("wrong version number") || Says("packet length too long") || Says("record layer failure") => "the server did not answer in TLS",
            _ when Says("reset by peer") || Says("connection reset") => "the server reset the connection during the handshake",
            _ when Says("unexpected eof") || Says("0 bytes") || Says("unexpected packet format") || Says("closed") => "the server closed the connection during the handshake",
            _ when Says("timed out") => "the handshake timed out",
            _ => Meaningful(e),
        };
    }

    private static string Meaningful(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!current.Message.Contains("inner exception", StringComparison.OrdinalIgnoreCase) && !current.Message.Contains("SSL_ERROR", StringComparison.Ordinal))
            {
                return current.Message.TrimEnd('.');
            }
        }

        return "the TLS library gave no reason";
    }
}
