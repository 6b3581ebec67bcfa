namespace PolicyCuration.Consumer.Exports;

/// <summary>The mail servers a list can be exported for.</summary>
public enum MtaFormat
{
    /// <summary>Postfix's <c>smtp_tls_policy_maps</c> table.</summary>
    Postfix,

    /// <summary>An Exim <c>lsearch</c> file: each domain's MX patterns as a host list.</summary>
    Exim,

    /// <summary>Sendmail access-map entries (<c>TLS_Rcpt:</c>), for <c>makemap</c>.</summary>
    Sendmail,

    /// <summary>An OpenSMTPD table of domains, for a <c>relay tls</c> action.</summary>
    OpenSmtpd,

    /// <summary>Haraka's <c>tls.ini</c> <c>[outbound]</c> section with <c>force_tls_hosts</c>.</summary>
    Haraka,
}

/// <summary>The names of <see cref="MtaFormat"/> on the command line.</summary>
public static class MtaFormatNames
{
    /// <summary>Every format, by its command-line name.</summary>
    public static IReadOnlyDictionary<string, MtaFormat> All { get; } = new Dictionary<string, MtaFormat>(StringComparer.Ordinal)
    {
        ["postfix"] = MtaFormat.Postfix,
        ["exim"] = MtaFormat.Exim,
        ["sendmail"] = MtaFormat.Sendmail,
        ["opensmtpd"] = MtaFormat.OpenSmtpd,
        ["haraka"] = MtaFormat.Haraka,
    };
}
