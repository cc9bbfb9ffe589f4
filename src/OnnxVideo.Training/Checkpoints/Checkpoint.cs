using System.Text;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Training.Checkpoints;

/// <summary>A committed checkpoint folder.</summary>
internal sealed class Checkpoint
{
    public const string TrainableFile = "trainable.safetensors";
    public const string OptimizerStateFile = "optimizer_state.safetensors";
    public const string TrainerStateFile = "trainer_state.json";

    internal Checkpoint(string directory, CheckpointManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
    }

    public string Directory { get; }
    public CheckpointManifest Manifest { get; }
    public long Step => Manifest.Step;
    public int Epoch => Manifest.Epoch;

    public string TrainablePath => Path.Combine(Directory, TrainableFile);
    public string OptimizerStatePath => Path.Combine(Directory, OptimizerStateFile);

    /// <summary>Memory-maps the trainable parameters (names = ONNX initializer names).</summary>
    public SafetensorsFile OpenTrainable() => SafetensorsFile.Open(TrainablePath);

    public SafetensorsFile OpenOptimizerState() => SafetensorsFile.Open(OptimizerStatePath);

    public string ReadTrainerStateJson() => File.ReadAllText(Path.Combine(Directory, TrainerStateFile), Encoding.UTF8);
}
