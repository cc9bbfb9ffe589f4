using BenchmarkDotNet.Attributes;
using OnnxVideo.Media;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Runtime;
using OnnxVideo.Text;

namespace OnnxVideo.Benchmarks.Runtime;

/// <summary>
/// Per-token time of greedy captioning with the key/value cache (one decoder_step.onnx run per token) and without it
/// (decoder.onnx rerun on the whole prefix each token), for the default video_caption model (width 96, 2 + 2 layers,
/// 128 memory tokens, vocabulary 512) random-initialised, captions of exactly <see cref="Tokens"/> tokens (checked
/// in set-up), batches of <see cref="Clips"/> clips. One operation is one generated token of the batch.
/// </summary>
[Config(typeof(InProcessShortConfig))]
public class CaptionDecodingBenchmarks
{
    private const int Tokens = 24;
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"onnxvideo-caption-bench-{Environment.ProcessId}");
    private VideoCaptioner captioner = null!;
    private IReadOnlyList<VideoMemory> clips = [];

    [Params(1, 8)]
    public int Clips { get; set; }

    [Params(true, false)]
    public bool Cache { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var work = Directory.CreateDirectory(folder).FullName;
        var tokenizer = BpeTokenizer.Train(["a red square moves left then a blue circle grows", "a green triangle moves right"], 512);
        var tokenizerPath = Path.Combine(work, "tokenizer.json");
        tokenizer.Save(tokenizerPath);
        var built = VideoCaptionZoo.Build(new VideoCaptionConfig { VocabularySize = tokenizer.VocabularySize, MaxLength = Tokens }, null, null, seed: 1);
        ModelContracts.Write(built.Model, built.Architecture.DefaultContract(built.Frames, built.Size));
        var package = Path.Combine(work, "package");
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = TuningSpec.Head, TokenizerPath = tokenizerPath }, package);
        CaptionerExport.Export(TrainingPackage.Load(package), null, Path.Combine(work, "captioner"));
        captioner = VideoCaptioner.Open(Path.Combine(work, "captioner"), new VideoCaptionerOptions { IntraOpThreads = 2, MaxBatchSize = Clips });
        var random = new Random(2);
        clips = Enumerable.Range(0, Clips)
            .Select(i => captioner.Encode(Enumerable.Range(0, captioner.ClipElements).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()))
            .ToList();
        if (captioner.Caption(clips).Any(c => c.Tokens.Count != Tokens))
        {
            throw new InvalidOperationException($"a caption ended before {Tokens} tokens; the per-token time would be wrong");
        }
    }

    [Benchmark(OperationsPerInvoke = Tokens)]
    public IReadOnlyList<CaptionResult> GreedyToken() => captioner.Caption(clips, new CaptionSearch { UseCache = Cache });

    [GlobalCleanup]
    public void Cleanup()
    {
        captioner.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
