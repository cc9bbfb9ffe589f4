using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Benchmarks.Peers;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;

namespace OnnxVideo.Benchmarks;

/// <summary>
/// <c>OnnxVideo.Benchmarks inference-forms ARCH [--variants original,factored,stacked,summed] [--batch 2 --frames 8
/// --size 112 --threads 2 --iters 5]</c> (issue 17 lever 3c): a zoo model's inference with its 3-D convolutions as
/// they are, with only the spatial and temporal ones lowered to 2-D (lever 3), and with the others' temporal taps
/// stacked or summed as well (<see cref="Conv3dTapStacking"/>); the variants run in turns after checking that their
/// logits agree, and the process's peak resident memory is printed (run one variant per process to compare memory).
/// <c>inference-forms ARCH --save MODEL.onnx [--lowered]</c> writes the zoo model (as the classifier lowers it); <c>inference-forms ARCH --load MODEL.onnx --lower on|off</c>
/// then opens it as <see cref="Runtime.VideoClassifier"/> does (rewritten in memory at load, or from the file) and
/// prints its time and this fresh process's peak resident memory.
/// </summary>
public static class InferenceFormComparison
{
    public static int Run(string[] args)
    {
        string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        int Int(string name, int fallback) => int.Parse(Option(name, $"{fallback}"), CultureInfo.InvariantCulture);
        var (arch, batch, frames, size) = (args[0], Int("--batch", 2), Int("--frames", 8), Int("--size", 112));
        var options = new OrtSessionOptions { IntraOpThreads = Int("--threads", 2), InterOpThreads = 1 };
        if (Option("--save", "") is { Length: > 0 } save)
        {
            var model = ModelZoo.Build(arch, new ZooOptions { Classes = 10, Frames = frames, Size = size, Seed = 0 });
            if (args.Contains("--lowered"))
            {
                CpuConvolutionLowering.Lower(model);
            }
            OnnxModelFile.Save(model, save);
            return 0;
        }
        var load = Option("--load", "");
        var variants = load.Length > 0 ? [$"--lower {Option("--lower", "on")}"] : Option("--variants", "original,factored,stacked").Split(',');
        var sessions = load.Length > 0 ? [Load(load, Option("--lower", "on") == "on", options)]
            : variants.Select(v => new OrtSession(OnnxModelFile.ToBytes(Variant(arch, frames, size, v)), options, $"{arch} {v}")).ToArray();
        var random = new Random(0);
        var video = new float[batch * 3 * frames * size * size];
        for (var i = 0; i < video.Length; i++) video[i] = (float)(random.NextDouble() * 2 - 1);
        using var input = OrtValue.CreateTensor(video, batch, 3, frames, size, size);
        try
        {
            var logits = sessions.Select(s => Logits(s, input)).ToArray();
            var worst = logits.Skip(1).Select(l => ConvWeightGradientTable.RelativeDifference(logits[0], l)).DefaultIfEmpty(0).Max();
            var times = sessions.Select(_ => new List<double>()).ToArray();
            for (var k = 0; k < Int("--iters", 5); k++)
            {
                for (var i = 0; i < sessions.Length; i++)
                {
                    var clock = Stopwatch.StartNew();
                    Logits(sessions[i], input);
                    times[i].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            var medians = times.Select(ConvWeightGradientTable.Median).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{arch} {batch}×3×{frames}×{size}², {options.IntraOpThreads} threads, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, logits agree to {worst:E1} of the largest, peak RSS {PeakMemory.PeakBytes() >> 20} MiB"));
            for (var i = 0; i < variants.Length; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variants[i]}: median {medians[i]:F1} ms ({medians[i] / medians[0]:F2}× the first)"));
            }
            return 0;
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }

    /// <summary>The session <see cref="Runtime.VideoClassifier"/> opens on the CPU provider.</summary>
    private static OrtSession Load(string path, bool lower, OrtSessionOptions options) =>
        lower ? CpuConvolutionLowering.Open(path, p => new OrtSession(p, options)) : new OrtSession(path, options);

    private static ModelProto Variant(string arch, int frames, int size, string variant)
    {
        var model = ModelZoo.Build(arch, new ZooOptions { Classes = 10, Frames = frames, Size = size, Seed = 0 });
        TapStackForm? full = variant.Split('-')[0] switch
        {
            "stacked" => TapStackForm.Stacked,
            "summed" => TapStackForm.Summed,
            "gathered" => TapStackForm.Gathered,
            _ => null,
        };
        Func<NodeProto, ConvAxis[], bool>? where = variant.EndsWith("-deadtaps", StringComparison.Ordinal)
            ? (_, a) => a[0].Kernel == 1 || a[0].PadBegin >= a[0].In : null;
        var lowered = variant == "original" ? 0 : Conv3dTo2dLowering.Rewrite(model.Graph, full, where);
        Console.WriteLine($"{variant}: {lowered} convolutions lowered");
        return model;
    }

    private static float[] Logits(OrtSession session, OrtValue input)
    {
        var outputs = session.Run([ModelZoo.InputName], [input]);
        var data = outputs[0].ToArray<float>();
        foreach (var o in outputs) o.Dispose();
        return data;
    }
}
