using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OnnxVideo.Runtime;

namespace OnnxVideo.Benchmarks.Runtime;

/// <summary>
/// Video classification throughput on the machine's cores, per maximum batch size. Every operation is one clip
/// (OperationsPerInvoke), so Clips/s = 1 / mean.
/// <list type="bullet">
/// <item><c>InferenceOnly</c>: the classifier's inference stage alone (its IoBinding runner, full batches): clips/s by
/// batch size.</item>
/// <item><c>Pipeline</c>: three passes over the same videos, back to back in every invocation — decode only (the
/// classifier's extractor, 2 workers), inference only (as above, same clip count) and end to end
/// (<see cref="VideoClassifier.ClassifyManyAsync"/>: probe, decode, preprocess, dynamic batching, inference,
/// aggregation, 2 decode workers pipelined with inference). Its extra columns (<see cref="PairedStageColumn"/>) give
/// each pass's clips/s and end-to-end ÷ what the two limits allow. On 2 shared cores the limit is
/// 1 / (1/decode + 1/inference): both stages want every core, so a clip costs its decode time plus its inference time.
/// Pairing the passes inside one invocation keeps the ratio meaningful when other work shares the machine.</item>
/// </list>
/// </summary>
[Config(typeof(Config))]
public class ClassifyThroughputBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(7).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new ClipsPerSecondColumn());
            AddColumn(Enum.GetValues<PairedStageColumn.Kind>().Select(k => new PairedStageColumn(k)).ToArray());
        }
    }

    private VideoClassifier _classifier = null!;
    private ClipExtractor _extractor = null!;
    private ClipBufferPool _pool = null!;
    private OrtClipBatchRunner _runner = null!;
    private float[] _clip = [];

    [Params(1, 4, 8)]
    public int Batch { get; set; }

    public const int DecodeWorkers = 2;

    [GlobalSetup]
    public void Setup()
    {
        ClassifyBenchmarkData.Ensure();
        var options = new VideoClassifierOptions
        {
            ModelPath = ClassifyBenchmarkData.ModelPath,
            MaxBatchSize = Batch,
            DecodeWorkers = DecodeWorkers,
        };
        _classifier = new VideoClassifier(options);
        _runner = new OrtClipBatchRunner(options.ModelPath, null, options);
        _pool = new ClipBufferPool(_runner.ClipElements, 64);
        _extractor = new ClipExtractor(ClassifyBenchmarkData.Contract with { TestCrops = 1 }, _pool, options);
        _clip = new float[_runner.ClipElements];
        new Random(1).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_clip.AsSpan()));
        for (int i = 0; i < _clip.Length; i++)
        {
            _clip[i] = float.IsFinite(_clip[i]) ? Math.Clamp(_clip[i], -3f, 3f) : 0f;
        }
        _runner.Run(Batch);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _classifier.Dispose();
        _runner.Dispose();
    }

    [Benchmark(OperationsPerInvoke = ClassifyBenchmarkData.Clips)]
    public async Task Pipeline()
    {
        long start = Stopwatch.GetTimestamp();
        await DecodeAllAsync();
        double decode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        InferenceOnly();
        double inference = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        await EndToEndAsync();
        double endToEnd = Stopwatch.GetElapsedTime(start).TotalSeconds;
        PairedStageTimes.Record(Batch, new PairedStageTimes.Sample(decode, inference, endToEnd));
    }

    private async Task EndToEndAsync()
    {
        await foreach (var result in _classifier.ClassifyManyAsync(ClassifyBenchmarkData.Videos))
        {
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Error!.ToString());
            }
        }
    }

    private Task DecodeAllAsync() =>
        Parallel.ForEachAsync(ClassifyBenchmarkData.Videos, new ParallelOptions { MaxDegreeOfParallelism = DecodeWorkers },
            async (video, ct) =>
            {
                var item = await _extractor.FromFileAsync(video, ct);
                foreach (var clip in item.Clips)
                {
                    _pool.Return(clip.Tensor);
                }
            });

    [Benchmark(OperationsPerInvoke = ClassifyBenchmarkData.Clips)]
    public void InferenceOnly()
    {
        for (int done = 0; done < ClassifyBenchmarkData.Clips; done += Batch)
        {
            for (int slot = 0; slot < Batch; slot++)
            {
                _runner.Stage(slot, _clip);
            }
            _runner.Run(Batch);
        }
    }
}
