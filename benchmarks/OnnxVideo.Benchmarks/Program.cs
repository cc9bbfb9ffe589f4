using BenchmarkDotNet.Running;
using OnnxVideo.Benchmarks.Ort;

namespace OnnxVideo.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        // Comparisons with out-of-process peers have their own entry points; everything else goes to BenchmarkDotNet.
        if (args.Length > 0 && args[0] == "ort-overhead")
        {
            Environment.ExitCode = OrtOverheadComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "peer-row")
        {
            Environment.ExitCode = Peers.OwnProcessRow.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "peers")
        {
            Environment.ExitCode = Peers.PeerComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "transfer")
        {
            Environment.ExitCode = Transfer.TransferExperiment.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "features")
        {
            Environment.ExitCode = FewShot.FeatureDump.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "peft")
        {
            Environment.ExitCode = Transfer.PeftExperiment.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "step-time")
        {
            Environment.ExitCode = PackageStepComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "step-memory")
        {
            Environment.ExitCode = StepMemoryProbe.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "write-packages")
        {
            Environment.ExitCode = PackagePairWriter.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "first-epoch-read")
        {
            Environment.ExitCode = Media.FirstEpochReadComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "conv-grad-ratio")
        {
            Environment.ExitCode = ConvGradientComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "conv-grad-table")
        {
            Environment.ExitCode = ConvWeightGradientTable.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "conv3d-forms")
        {
            Environment.ExitCode = Conv3dFormComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "inference-forms")
        {
            Environment.ExitCode = InferenceFormComparison.Run(args[1..]);
            return;
        }
        if (args.Length > 0 && args[0] == "decode-ratio")
        {
            Environment.ExitCode = Media.DecodeSpeedComparison.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
