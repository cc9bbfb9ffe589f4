using System.Diagnostics;
using System.Globalization;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>
/// <c>OnnxVideo.Benchmarks decode-ratio [pairs]</c>: runs the bare ffmpeg command and our decode + preprocess
/// alternately, pair after pair, and reports medians and the median per-pair speed ratio (ffmpeg time / our time).
/// Alternating keeps both sides under the same background load, which a sequential BenchmarkDotNet run on a shared
/// machine does not.
/// </summary>
public static class DecodeSpeedComparison
{
    public static int Run(string[] args)
    {
        var pairs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var bench = new DecodeBenchmarks();
        bench.Setup();
        bench.FfmpegToNull();
        bench.DecodeAndPreprocess().GetAwaiter().GetResult();

        var ffmpeg = new List<double>();
        var ours = new List<double>();
        for (var i = 0; i < pairs; i++)
        {
            var watch = Stopwatch.StartNew();
            bench.FfmpegToNull();
            ffmpeg.Add(watch.Elapsed.TotalSeconds);
            watch.Restart();
            bench.DecodeAndPreprocess().GetAwaiter().GetResult();
            ours.Add(watch.Elapsed.TotalSeconds);
        }
        var ratios = ffmpeg.Zip(ours, (f, o) => f / o).ToList();
        Console.WriteLine($"pairs: {pairs}");
        Console.WriteLine($"ffmpeg -f null       median {Median(ffmpeg):0.000} s  min {ffmpeg.Min():0.000} s");
        Console.WriteLine($"decode + preprocess  median {Median(ours):0.000} s  min {ours.Min():0.000} s");
        Console.WriteLine($"speed ratio (ffmpeg time / our time): median of pairs {Median(ratios):0.000}, of minima {ffmpeg.Min() / ours.Min():0.000}");
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
