using PolicyCuration.Consumer;

return StarttlsPolicy.Run(args, Console.Out, Console.Error);
