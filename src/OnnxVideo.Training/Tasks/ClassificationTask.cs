using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tasks;

/// <summary>Classification: labelled clips, validation top-1 picks the best epoch, exported as <c>best/model.onnx</c>.</summary>
internal sealed class ClassificationTask : TrainingTask
{
    public ClassificationTask(TrainingPackageLayout package, VideoDataset train, VideoDataset? validation, TrainerOptions options)
    {
        if (package.IsCaptioner)
        {
            throw new DatasetException(train.Source, $"is a labelled dataset but the package {package.Directory} trains a captioner: give captioned clips (captions.jsonl)");
        }
        if (train.Classes.Count != package.ClassCount)
        {
            throw new DatasetException(train.Source, $"has {train.Classes.Count} classes but the package's model predicts {package.ClassCount}");
        }
        if (validation is null && train.CountPerClass().Where(c => c > 0).All(c => c >= 2))
        {
            (train, validation) = DatasetSplit.Stratified(train, options.ValidationFraction, options.Seed);
        }
        if (validation is not null && !validation.Classes.SequenceEqual(train.Classes))
        {
            throw new DatasetException(validation.Source, "its classes differ from the training set's (read it with the same class list)");
        }
        NewSamples = train.Samples;
        if (options.RehearsalExemplars is { } exemplarPath)
        {
            Rehearsal = ExemplarFile.Read(exemplarPath);
            if (options.Memory is { } memory)
            {
                Rehearsal = ExemplarMemory.Limit(Rehearsal, memory);
            }
            train = train.WithSamples([.. train.Samples, .. ExemplarMemory.Rehearsal(Rehearsal, exemplarPath, train.Classes)]);
        }
        if (train.Count == 0)
        {
            throw new DatasetException(train.Source, "has no training clips");
        }
        Train = train;
        Validation = validation is { Count: > 0 } ? validation : null;
    }

    public override VideoDataset Train { get; }
    public override VideoDataset? Validation { get; }
    public override IReadOnlyList<VideoSample> NewSamples { get; }
    public override ExemplarFile? Rehearsal { get; }

    public override string BestModelPath(string outputDirectory) => Path.Combine(outputDirectory, "best", "model.onnx");

    public override async Task<ValidationReport> ValidateAsync(TrainingSession session, ClipLoader loader, CancellationToken ct) =>
        ValidationReport.Of(await ClipEvaluation.RunAsync(loader, Train.Classes, (inputs, count) => session.EvalStep(inputs, count), null, ct)
            .ConfigureAwait(false));

    public override void Export(TrainingSession session, string path) => session.ExportModelForInferencing(path, Train.Classes);
}
