using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.Training;
using OnnxVideo.Training.Continual;

namespace OnnxVideo.Cli.Training;

/// <summary>
/// The class-incremental options of <c>train</c>: the rehearsal memory (<c>--memory</c>, <c>--memory-selection</c>),
/// where the previous task's exemplars come from (<c>--previous-run</c> or <c>--exemplars</c>) and the distillation
/// teacher (<c>--teacher</c>, by default the previous run's best model when the package distils).
/// </summary>
internal sealed class ContinualFlags
{
    public Option<int?> Memory { get; } = CommonOptions.AtLeast(new Option<int?>("--memory")
    {
        Description = "Rehearsal memory: after training store N exemplars of all classes seen so far in <out>/exemplars.json; also caps the exemplars rehearsed from --previous-run/--exemplars (0 = no rehearsal)",
    }, 0);
    public Option<string> MemorySelection { get; } = new("--memory-selection")
    {
        Description = "How --memory picks exemplars: herding (iCaRL, on the trained model's features) or random (seeded) (default herding)",
        DefaultValueFactory = _ => "herding",
    };
    public Option<string?> PreviousRun { get; } = new("--previous-run")
    {
        Description = "Run folder of the previous task: its exemplars.json is rehearsed with the new data, and its best/model.onnx is the default --teacher",
    };
    public Option<string?> Exemplars { get; } = new("--exemplars") { Description = "Exemplar file to rehearse (another run's exemplars.json) instead of --previous-run's" };
    public Option<string?> Teacher { get; } = new("--teacher")
    {
        Description = "Previous model whose logits on each batch are distilled (the package needs `onnxvideo-export package --distill old_classes=K`)",
    };

    public IEnumerable<Option> All() => [Memory, MemorySelection, PreviousRun, Exemplars, Teacher];

    /// <summary>The first of these flags given on the command line, or null.</summary>
    public string? FirstGiven(ParseResult parse) => All().FirstOrDefault(o => parse.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>Whether the run adds classes to a trained model, so the training data may lack the old classes.</summary>
    public bool IsIncremental(ParseResult parse) =>
        parse.GetValue(PreviousRun) is not null || parse.GetValue(Exemplars) is not null || parse.GetValue(Teacher) is not null;

    /// <summary>The options with the rehearsal and distillation settings of these flags.</summary>
    public TrainerOptions Apply(TrainerOptions options, ParseResult parse, bool packageDistils)
    {
        var previous = parse.GetValue(PreviousRun);
        if (previous is not null && !Directory.Exists(previous))
        {
            throw new InvalidFlagException("--previous-run", previous, "no such run folder");
        }
        var exemplars = parse.GetValue(Exemplars);
        if (exemplars is null && previous is not null)
        {
            exemplars = Path.Combine(previous, ExemplarFile.FileName);
            if (!File.Exists(exemplars) && parse.GetValue(Memory) is not 0)
            {
                throw new InvalidFlagException("--previous-run", previous, $"has no {ExemplarFile.FileName} to rehearse (train that task with --memory N, or give --memory 0 for no rehearsal)");
            }
        }
        var teacher = parse.GetValue(Teacher);
        if (teacher is null && packageDistils && previous is not null)
        {
            teacher = Path.Combine(previous, "best", "model.onnx");
        }
        return options with
        {
            Memory = parse.GetValue(Memory),
            MemorySelection = parse.GetValue(MemorySelection)!.ToLowerInvariant() switch
            {
                "herding" => ExemplarSelection.Herding,
                "random" => ExemplarSelection.Random,
                var other => throw new InvalidFlagException("--memory-selection", other, "use herding or random"),
            },
            RehearsalExemplars = exemplars is not null && File.Exists(exemplars) || parse.GetValue(Exemplars) is not null ? exemplars : null,
            TeacherModel = teacher,
        };
    }
}
