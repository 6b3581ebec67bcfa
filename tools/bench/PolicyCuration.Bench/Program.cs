using PolicyCuration.Bench;

return args switch
{
    ["generate", var count, var path, ..] when int.TryParse(count, out int n) && n > 0 =>
        SyntheticList.WriteTo(path, n, args.Length > 3 && int.TryParse(args[3], out int seed) ? seed : 1),
    ["silent", var endpoint] when System.Net.IPEndPoint.TryParse(endpoint, out var at) => SilentListener.Run(at),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: policy-bench generate DOMAINS OUT.json [SEED]");
    Console.Error.WriteLine("       policy-bench silent IP:PORT      (accept connections, never answer)");
    return 2;
}
