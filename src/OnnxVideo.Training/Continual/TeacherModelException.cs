namespace OnnxVideo.Training.Continual;

/// <summary>A distillation teacher (<c>onnxvideo train --teacher</c>) that cannot serve the package: missing, unreadable, or of another class count or sample shape.</summary>
public sealed class TeacherModelException(string input, string problem, Exception? inner = null) : UserInputException(input, problem, inner);
