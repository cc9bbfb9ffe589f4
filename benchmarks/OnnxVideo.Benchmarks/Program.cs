using BenchmarkDotNet.Running;
using OnnxVideo.Benchmarks.Ort;

namespace OnnxVideo.Benchmarks;

public static class Program
{
    /// <summary>Comparisons with out-of-process peers and the A/B tools; everything else goes to BenchmarkDotNet.</summary>
    private static readonly Dictionary<string, Func<string[], int>> EntryPoints = new(StringComparer.Ordinal)
    {
        ["ort-overhead"] = OrtOverheadComparison.Run,
        ["peer-row"] = Peers.OwnProcessRow.Run,
        ["peers"] = Peers.PeerComparison.Run,
        ["transfer"] = Transfer.TransferExperiment.Run,
        ["features"] = FewShot.FeatureDump.Run,
        ["peft"] = Transfer.PeftExperiment.Run,
        ["step-time"] = PackageStepComparison.Run,
        ["step-memory"] = StepMemoryProbe.Run,
        ["write-packages"] = PackagePairWriter.Run,
        ["first-epoch-read"] = Media.FirstEpochReadComparison.Run,
        ["conv-grad-ratio"] = ConvGradientComparison.Run,
        ["conv-grad-table"] = ConvWeightGradientTable.Run,
        ["conv3d-forms"] = Conv3dFormComparison.Run,
        ["inference-forms"] = InferenceFormComparison.Run,
        ["decode-ratio"] = Media.DecodeSpeedComparison.Run,
    };

    public static void Main(string[] args)
    {
        if (args.Length == 0 || !EntryPoints.TryGetValue(args[0], out var run))
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return;
        }
        try
        {
            Environment.ExitCode = run(args[1..]);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or FormatException or UserInputException)
        {
            // A missing or malformed argument or input: say so and name the entry point (benchmarks/README.md lists each one's arguments).
            Console.Error.WriteLine($"{args[0]}: {(e is IndexOutOfRangeException ? "missing arguments" : e.Message)} (see benchmarks/README.md)");
            Environment.ExitCode = 2;
        }
    }
}
