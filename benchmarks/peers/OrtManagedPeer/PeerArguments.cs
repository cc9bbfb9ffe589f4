using System.Globalization;

namespace OrtManagedPeer;

/// <summary>Command line of the peer; see Program.cs for the usage line.</summary>
internal sealed record PeerArguments(
    string Model,
    IReadOnlyList<(string Name, long[] Shape)> Inputs,
    int Runs,
    int Warmup,
    int IntraOpThreads,
    int InterOpThreads,
    string? Library)
{
    public static PeerArguments Parse(string[] args)
    {
        string? model = null, library = null;
        var inputs = new List<(string, long[])>();
        int runs = 20_000, warmup = 2_000, intra = 1, inter = 1;
        for (var i = 0; i < args.Length; i += 2)
        {
            var key = args[i];
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing value for {key}");
            switch (key)
            {
                case "--model": model = value; break;
                case "--library": library = value; break;
                case "--input": inputs.Add(ParseInput(value)); break;
                case "--runs": runs = PositiveInt(key, value); break;
                case "--warmup": warmup = PositiveInt(key, value); break;
                case "--intra": intra = PositiveInt(key, value); break;
                case "--inter": inter = PositiveInt(key, value); break;
                default: throw new ArgumentException($"unknown option {key}");
            }
        }

        if (model is null)
        {
            throw new ArgumentException("--model is required");
        }

        return inputs.Count == 0
            ? throw new ArgumentException("at least one --input name:d1,d2,... is required")
            : new PeerArguments(model, inputs, runs, warmup, intra, inter, library);
    }

    private static (string, long[]) ParseInput(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArgumentException($"--input: expected name:d1,d2,..., got '{text}'");
        }

        var shape = text[(colon + 1)..].Split(',').Select(d => long.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        return (text[..colon], shape);
    }

    private static int PositiveInt(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{key}: expected a positive integer, got '{value}'");
}
