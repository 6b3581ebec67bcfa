using PolicyCuration.Cli;

return PolicyCtl.Run(args, Console.Out, Console.Error);
