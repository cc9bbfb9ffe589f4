using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tasks;

/// <summary>
/// What differs between training a classifier and a captioner in one <see cref="Trainer"/> run: the clips, what their
/// batches carry besides the clips, how an epoch is validated, and what the best weights are exported as. The loop,
/// checkpoints, resume, early stopping, metrics log and report are shared.
/// </summary>
internal abstract class TrainingTask
{
    public abstract VideoDataset Train { get; }
    public abstract VideoDataset? Validation { get; }

    /// <summary>The clips of this task's own classes, without rehearsed exemplars of earlier tasks.</summary>
    public virtual IReadOnlyList<VideoSample> NewSamples => Train.Samples;

    /// <summary>Exemplars of earlier tasks rehearsed with <see cref="Train"/> (<see cref="TrainerOptions.RehearsalExemplars"/>); null when none.</summary>
    public virtual ExemplarFile? Rehearsal => null;

    /// <summary>Attaches each training batch's targets beyond its labels (null: the labels are the targets).</summary>
    public virtual IBatchTargets? TrainTargets => null;

    /// <summary>As <see cref="TrainTargets"/>, for the validation clips.</summary>
    public virtual IBatchTargets? ValidationTargets => null;

    /// <summary>Class names the report's confusion matrix is labelled with (none for captioners).</summary>
    public virtual IReadOnlyList<string> ReportClasses => Train.Classes;

    /// <summary>Where the best model goes in the run folder.</summary>
    public abstract string BestModelPath(string outputDirectory);

    public abstract Task<ValidationReport> ValidateAsync(TrainingSession session, ClipLoader loader, CancellationToken ct);

    /// <summary>Writes the session's current weights as the inference model (or model folder) at <paramref name="path"/>.</summary>
    public abstract void Export(TrainingSession session, string path);

    /// <summary>Scores the exported best model beyond the validation report (captioners: generated captions); null when nothing more is measured.</summary>
    public virtual Task<CaptionScores?> ScoreExportedAsync(string bestModelPath, int threads, CancellationToken ct) => Task.FromResult<CaptionScores?>(null);

    /// <summary>Refuses trainer options the task cannot honour.</summary>
    public virtual void Check(TrainerOptions options)
    {
    }
}
