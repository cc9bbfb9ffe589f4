using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Benchmarks.Peers;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>
/// <c>OnnxVideo.Benchmarks decode-ratio [rounds]</c>: runs the bare ffmpeg command and each of our reads in turns, round
/// after round, and reports medians and the median per-round time ratio (our time / ffmpeg time). Alternating keeps
/// every side under the same background load, which a sequential BenchmarkDotNet run on a shared machine does not.
/// </summary>
public static class DecodeSpeedComparison
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var bench = new DecodeBenchmarks();
        bench.Setup();
        var sides = new (string Name, Action Run)[]
        {
            ("ffmpeg -f null", bench.FfmpegToNull),
            ("decode + preprocess (probe once)", () => bench.DecodeAndPreprocess().GetAwaiter().GetResult()),
            ("test read, ffprobe + ffmpeg", () => bench.ReadTestSampleTwoProcesses().GetAwaiter().GetResult()),
            ("test read, one ffmpeg", () => bench.ReadTestSample().GetAwaiter().GetResult()),
            ("training read, ffprobe + ffmpeg", () => bench.ReadTrainingSampleTwoProcesses().GetAwaiter().GetResult()),
            ("training read, one ffmpeg", () => bench.ReadTrainingSampleOneProcess().GetAwaiter().GetResult()),
        };
        foreach (var side in sides)
        {
            side.Run();
        }
        var times = sides.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < rounds; i++)
        {
            for (var s = 0; s < sides.Length; s++)
            {
                var watch = Stopwatch.StartNew();
                sides[s].Run();
                times[s].Add(watch.Elapsed.TotalSeconds);
            }
        }
        Console.WriteLine($"rounds: {rounds}");
        for (var s = 0; s < sides.Length; s++)
        {
            var ratios = times[s].Zip(times[0], (ours, ffmpeg) => ours / ffmpeg).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sides[s].Name,-36} median {PeerTiming.Median(times[s]):0.000} s  min {times[s].Min():0.000} s  ÷ ffmpeg: median of rounds {PeerTiming.Median(ratios):0.00}, of minima {times[s].Min() / times[0].Min():0.00}"));
        }
        return 0;
    }
}
