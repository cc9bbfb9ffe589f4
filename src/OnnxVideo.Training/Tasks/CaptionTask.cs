using OnnxVideo.Runtime;
using OnnxVideo.Text;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tasks;

/// <summary>
/// Captioning: captioned clips whose captions are tokenised once with the package's tokenizer; each training batch
/// carries token tensors of one caption per clip (sampled per epoch from the seed), validation is teacher-forced loss
/// and token accuracy (which picks the best epoch), and the best weights become a captioner folder <c>best/captioner</c>.
/// </summary>
internal sealed class CaptionTask : TrainingTask
{
    /// <summary>The one class name the clips are listed under (clips have captions, not labels).</summary>
    public const string ClipClass = "caption";

    private readonly CaptionBatchTargets _trainTargets;
    private readonly CaptionBatchTargets? _validationTargets;

    public CaptionTask(TrainingPackageLayout package, string trainSplit, string? validationSplit, TrainerOptions options)
    {
        var specials = package.Captions ?? throw new TrainingSessionException(package.Directory,
            "the package trains a classifier, not a captioner: give labelled clips (a folder per class or a list file)");
        Tokenizer = PackageTokenizer(package);
        var train = CaptionDataset.Load(trainSplit, Tokenizer, specials.MaxLength);
        var validation = validationSplit is null ? null : CaptionDataset.Load(validationSplit, Tokenizer, specials.MaxLength);
        if (validation is null && train.Count >= 2)
        {
            (train, validation) = Split(train, options.ValidationFraction, options.Seed);
        }
        Train = Listed(trainSplit, train);
        TrainClips = train;
        _trainTargets = new CaptionBatchTargets(Tokenise(train), specials);
        if (validation is { Count: > 0 })
        {
            Validation = Listed(validationSplit ?? trainSplit, validation);
            ValidationClips = validation;
            _validationTargets = new CaptionBatchTargets(Tokenise(validation), specials);
        }
    }

    public BpeTokenizer Tokenizer { get; }
    public IReadOnlyList<CaptionedClip> TrainClips { get; }
    public IReadOnlyList<CaptionedClip>? ValidationClips { get; }
    public override VideoDataset Train { get; }
    public override VideoDataset? Validation { get; }
    public override IBatchTargets TrainTargets => _trainTargets;
    public override IBatchTargets? ValidationTargets => _validationTargets;
    public override IReadOnlyList<string> ReportClasses => [];

    public override string BestModelPath(string outputDirectory) => Path.Combine(outputDirectory, "best", "captioner");

    public override Task<ValidationReport> ValidateAsync(TrainingSession session, ClipLoader loader, CancellationToken ct) =>
        TokenEvaluation.RunAsync(loader, (video, tokens) => session.EvalStep(video, tokens), ct);

    public override void Export(TrainingSession session, string path) => session.ExportModelForInferencing(path);

    /// <summary>BLEU-4, CIDEr-D, exact match (greedy captions) and retrieval recall@K of the exported captioner on the validation clips.</summary>
    public override async Task<CaptionScores?> ScoreExportedAsync(string bestModelPath, int threads, CancellationToken ct)
    {
        if (ValidationClips is null)
        {
            return null;
        }
        using var captioner = VideoCaptioner.Open(bestModelPath, new VideoCaptionerOptions { IntraOpThreads = threads });
        return await CaptionEvaluation.RunAsync(captioner, ValidationClips, CaptionSearch.Greedy, retrieval: true, null, ct).ConfigureAwait(false);
    }

    public override void Check(TrainerOptions options)
    {
        if (options.Mix is { IsEnabled: true })
        {
            throw new ArgumentException("invalid training option: mixup/cutmix mix labels and do not apply to captions");
        }
        if (options.RehearsalExemplars is not null || options.Memory is not null)
        {
            throw new ArgumentException("invalid training option: rehearsal exemplars and memory are class-incremental and do not apply to captions");
        }
    }

    /// <summary>The package's tokenizer, which must produce the ids the model was built for.</summary>
    public static BpeTokenizer PackageTokenizer(TrainingPackageLayout package)
    {
        var path = package.TokenizerPath ?? throw new TrainingSessionException(package.Directory, "the caption package names no tokenizer file");
        var tokenizer = BpeTokenizer.Load(path);
        if (tokenizer.VocabularySize != package.ClassCount)
        {
            throw new TokenizerMismatchException(path, tokenizer.VocabularySize, package.ClassCount);
        }
        return tokenizer;
    }

    private List<IReadOnlyList<int[]>> Tokenise(IReadOnlyList<CaptionedClip> clips) =>
        clips.Select(c => (IReadOnlyList<int[]>)c.Captions.Select(Tokenizer.Encode).ToList()).ToList();

    private static VideoDataset Listed(string source, IReadOnlyList<CaptionedClip> clips) =>
        new(source, [ClipClass], clips.Select(c => new VideoSample(c.VideoPath, 0)).ToList());

    /// <summary>round(n × fraction) clips (at least one, never all) move to validation; the choice depends only on the seed.</summary>
    private static (IReadOnlyList<CaptionedClip> Train, IReadOnlyList<CaptionedClip> Validation) Split(IReadOnlyList<CaptionedClip> clips,
        double fraction, int seed)
    {
        var order = EpochOrder.Permutation(clips.Count, seed, -2);
        var take = Math.Clamp((int)Math.Round(clips.Count * fraction), 1, clips.Count - 1);
        var held = order.Take(take).Order().ToHashSet();
        return (clips.Where((_, i) => !held.Contains(i)).ToList(), clips.Where((_, i) => held.Contains(i)).ToList());
    }
}
