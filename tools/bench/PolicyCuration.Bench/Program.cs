using PolicyCuration.Bench;

return args switch
{
    ["generate", var count, var path, ..] when int.TryParse(count, out int n) && n > 0 =>
        SyntheticList.WriteTo(path, n, args.Length > 3 && int.TryParse(args[3], out int seed) ? seed : 1),
    ["silent", var endpoint] when System.Net.IPEndPoint.TryParse(endpoint, out var at) => SilentListener.Run(at),
    ["socketmap-load", var socket, var keys, var name, var clients, var seconds] when int.TryParse(clients, out int c) && double.TryParse(seconds, System.Globalization.CultureInfo.InvariantCulture, out double s) =>
        SocketmapLoad.Run(socket, keys, name, c, s),
    ["list-history", var repo, var count, var versions, var end] when int.TryParse(count, out int n) && int.TryParse(versions, out int v) =>
        SiteInputs.WriteListHistory(repo, n, v, DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture)),
    ["audit-history", var list, var directory, var days, var written, var end] when int.TryParse(days, out int d) && int.TryParse(written, out int w) =>
        SiteInputs.WriteAuditHistory(list, directory, d, w, DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: policy-bench generate DOMAINS OUT.json [SEED]");
    Console.Error.WriteLine("       policy-bench silent IP:PORT      (accept connections, never answer)");
    Console.Error.WriteLine("       policy-bench list-history REPO DOMAINS VERSIONS END   (a repository with VERSIONS daily versions of a list)");
    Console.Error.WriteLine("       policy-bench audit-history LIST DIR DAYS WRITTEN END  (DAYS of daily audits, the last WRITTEN written out)");
    Console.Error.WriteLine("       policy-bench socketmap-load SOCKET KEYS NAME CLIENTS SECONDS   (one connection per client, lookups back to back)");
    return 2;
}
