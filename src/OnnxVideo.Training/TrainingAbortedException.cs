namespace OnnxVideo.Training;

/// <summary>Training stopped because it cannot make progress (e.g. too many non-finite steps in a row).</summary>
public sealed class TrainingAbortedException(string message) : UserInputException("training run", message, message, null);
