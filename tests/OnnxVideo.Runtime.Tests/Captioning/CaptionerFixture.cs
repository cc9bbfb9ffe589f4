using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging;
using OnnxVideo.Runtime;
using OnnxVideo.Testing;
using OnnxVideo.Text;

namespace OnnxVideo.Runtime.Tests.Captioning;

/// <summary>
/// A small random-initialised video_caption model (clips 4 × 16², 8 memory tokens, width 32, 2 decoder layers, up to
/// 24 tokens) compiled into a package with a tokenizer trained at test time, exported as a captioner folder.
/// </summary>
public sealed class CaptionerFixture : IDisposable
{
    private readonly TempDirectory dir = new();

    public CaptionerFixture()
    {
        Tokenizer = BpeTokenizer.Train(["a red square moves left", "a blue circle grows", "a green triangle moves right then shrinks"], 290);
        Config = new VideoCaptionConfig
        {
            Encoder = new VideoVitConfig { Depth = 1, Width = 32, Heads = 4, MlpWidth = 64, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 },
            VocabularySize = Tokenizer.VocabularySize,
            MaxLength = 24,
            Layers = 2,
            Heads = 4,
        };
        TokenizerPath = dir.File("tokenizer.json");
        Tokenizer.Save(TokenizerPath);
        var built = VideoCaptionZoo.Build(Config, null, null, seed: 3);
        Packaging.Contracts.ModelContracts.Write(built.Model, built.Architecture.DefaultContract(4, 16));
        PackagePath = dir.File("package");
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions { Tuning = TuningSpec.Full, TokenizerPath = TokenizerPath }, PackagePath);
        FolderPath = dir.File("captioner");
        CaptionerExport.Export(TrainingPackage.Load(PackagePath), null, FolderPath);
        Captioner = VideoCaptioner.Open(FolderPath, new VideoCaptionerOptions { IntraOpThreads = 1 });
    }

    public BpeTokenizer Tokenizer { get; }
    internal VideoCaptionConfig Config { get; }
    public string TokenizerPath { get; }
    public string PackagePath { get; }
    public string FolderPath { get; }
    public VideoCaptioner Captioner { get; }

    public string File(string name) => dir.File(name);

    /// <summary>Encoded random clips (values in [−2, 2]).</summary>
    public IReadOnlyList<VideoMemory> RandomClips(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => Captioner.Encode(Enumerable.Range(0, Captioner.ClipElements).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray(), $"clip{i}"))
            .ToList();
    }

    public void Dispose()
    {
        Captioner.Dispose();
        dir.Dispose();
    }
}
