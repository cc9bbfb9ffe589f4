using System.Diagnostics;
using System.Globalization;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>OnnxVideo.Benchmarks conv-grad-ratio [rounds] [--stride 1|2]</c>: the layer of <see cref="ConvGradientBenchmarks"/>,
/// forward Conv and the weight gradient in both of the rule's forms (Conv of transposed x and dy, per-tap Gemm; lever 2)
/// timed in turns; prints medians, ratios to the forward Conv and how far the two weight gradients differ.
/// </summary>
public static class ConvGradientComparison
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var strideAt = Array.IndexOf(args, "--stride");
        var bench = new ConvGradientBenchmarks { SpatialStride = strideAt >= 0 ? int.Parse(args[strideAt + 1], CultureInfo.InvariantCulture) : 1 };
        bench.Setup();
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max |per-tap − rule| / max |rule| = {bench.WeightGradientsDisagreeBy():E2}"));
            var sides = new (string Name, Func<long> Run)[]
            {
                ("forward Conv", bench.Forward),
                ("dW: Conv of transposed x, dy", bench.WeightGradient),
                ("dW: one Gemm per kernel tap (rule at stride 1)", bench.WeightGradientPerTap),
            };
            foreach (var side in sides) side.Run();
            var times = sides.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds; r++)
            {
                for (var s = 0; s < sides.Length; s++)
                {
                    var clock = Stopwatch.StartNew();
                    sides[s].Run();
                    times[s].Add(clock.Elapsed.TotalSeconds);
                }
            }
            var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
            Console.WriteLine($"stride (1,{bench.SpatialStride},{bench.SpatialStride}), {rounds} rounds in turns, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            for (var s = 0; s < sides.Length; s++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sides[s].Name,-40} median {medians[s]:0.000} s ({medians[s] / medians[0]:0.00}× forward)"));
            }
            return 0;
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
